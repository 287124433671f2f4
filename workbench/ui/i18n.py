"""Interface language: the choice (System / English / 简体中文), Qt translators, locale and a CJK font.

The choice is kept in QSettings under ``ui/language`` ("system" by default, so the system locale decides on
first start) and applies at the next start: widgets take their texts when they are built.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from workbench.bundled import resources_dir

log = logging.getLogger(__name__)

SETTINGS_KEY = "ui/language"
#: (settings value, name shown in the menu); names of languages are written in their own language
LANGUAGES: list[tuple[str, str]] = [("system", "System"), ("en", "English"), ("zh_CN", "简体中文")]
TRANSLATED = ("zh_CN",)
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
             "Microsoft YaHei", "PingFang SC", "SimHei", "Droid Sans Fallback")
#: in English on purpose: without a Chinese font a translated message would itself show as boxes
CJK_FONT_ADVICE = (
    "No Chinese font found: install one (Debian/Ubuntu: sudo apt-get install fonts-wqy-microhei; "
    "Fedora: google-noto-sans-cjk-fonts) so that Chinese text does not show as boxes."
)

_installed: list[QTranslator] = []


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``QCoreApplication.translate``; the name ``translate`` is what ``pyside6-lupdate`` collects."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def catalogue_path(language: str) -> Path:
    """Our compiled catalogue (``resources/i18n/workbench_<language>.qm``)."""
    return resources_dir() / "i18n" / f"workbench_{language}.qm"


def saved_language(settings: QSettings | None = None) -> str:
    """The remembered choice: "system", "en" or "zh_CN"."""
    value = str((settings or QSettings()).value(SETTINGS_KEY, "system"))
    return value if value in {code for code, _ in LANGUAGES} else "system"


def save_language(language: str, settings: QSettings | None = None) -> None:
    """Remember the choice for the next start."""
    (settings or QSettings()).setValue(SETTINGS_KEY, language)


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """The language to show for a choice: "system" becomes zh_CN for any Chinese system locale
    written in simplified characters, else English."""
    if choice != "system":
        return choice
    locale = system or QLocale.system()
    if (
        locale.language() == QLocale.Language.Chinese
        and locale.script() != QLocale.Script.TraditionalHanScript
        and locale.territory()
        not in (QLocale.Country.Taiwan, QLocale.Country.HongKong, QLocale.Country.Macau)
    ):
        return "zh_CN"
    return "en"


def install_language(language: str, app: QCoreApplication | None = None) -> bool:
    """Install the translators for ``language`` (replacing earlier ones) and make it the default locale,
    so numbers and dates follow it. Returns whether our catalogue was found ("en" needs none)."""
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_language needs a QCoreApplication")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language not in TRANSLATED:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return True
    QLocale.setDefault(QLocale(language))
    found = False
    ours = QTranslator(app)
    if ours.load(str(catalogue_path(language))):
        app.installTranslator(ours)
        _installed.append(ours)
        found = True
    else:
        log.warning("translation catalogue %s is missing", catalogue_path(language))
    qt_own = QTranslator(app)  # Qt's standard dialogs and buttons (OK, Cancel, file dialogs)
    if qt_own.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ) or qt_own.load(f"qt_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return found


def cjk_font_family() -> str | None:
    """An installed font that has simplified Chinese characters, or None."""
    families = set(QFontDatabase.families())
    for family in CJK_FONTS:
        if family in families:
            return family
    for family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return family
    return None


def apply_cjk_font(app: QCoreApplication) -> str | None:
    """Put a CJK font behind the application font so Chinese never renders as boxes.

    Returns None when one was found, else the advice to show the user.
    """
    if not isinstance(app, QGuiApplication):  # a console application draws no text
        return None
    family = cjk_font_family()
    if family is None:
        log.warning(CJK_FONT_ADVICE)
        return CJK_FONT_ADVICE
    font = QFont(app.font())
    font.setFamilies([font.family(), family])
    app.setFont(font)
    return None


def setup_language(app: QCoreApplication, language: str | None = None) -> tuple[str, str | None]:
    """Choose (``language`` or the saved choice), install translators, and find a CJK font when needed.

    Returns the language in use and, when no Chinese font was found, the advice to show.
    """
    chosen = resolve_language(language or saved_language())
    install_language(chosen, app)
    advice = apply_cjk_font(app) if chosen in TRANSLATED else None
    return chosen, advice

"""Persistence: the SQLAlchemy schema, opening/upgrading a database, repositories and artifact I/O."""

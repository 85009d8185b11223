"""How Alembic reaches the database: through the app's Flask-SQLAlchemy engine.

Flask-Migrate runs this for every `flask --app starter db ...` command. What it does is
logged through the app's own logging (starter/logs.py).
"""

from alembic import context
from flask import current_app

migrate = current_app.extensions["migrate"]
engine = migrate.db.engine


def run_migrations_offline() -> None:
    """`flask db upgrade --sql`: print the SQL instead of running it."""
    context.configure(
        url=engine.url.render_as_string(hide_password=False),
        target_metadata=migrate.db.metadata,
        literal_binds=True,
        **migrate.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=migrate.db.metadata,
            **migrate.configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

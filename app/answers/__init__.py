"""The answer desk (Hỏi đáp tự động): a citizen's question in Vietnamese, with or without
diacritics, answered from FAQ entries, published official answers and the procedure catalogue,
each with its source; when nothing fits well, the question goes to an official as a case."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.main.tiles import Tile, register_tile

bp = Blueprint("answers", __name__)

register_tile(Tile("ask", "answers.ask", _l("Ask a question"),
                   _l("Answers from the FAQ, procedures and officials, with or without diacritics."),
                   "message-circle-question-mark", 20))


def init_app(app) -> None:
    from app.answers import index, kind, routes  # noqa: F401  (the case kind, the views)
    from app.answers.permissions import can_manage_faq

    app.jinja_env.globals["can_manage_faq"] = can_manage_faq
    index.listen()
    app.register_blueprint(bp)
    register_cli(app)


def register_cli(app) -> None:
    import click

    @app.cli.group("answers")
    def answers_cli():
        """The answer desk."""

    @answers_cli.command("reindex")
    def reindex():
        """Index every source again (after a bulk import that bypassed the app's sessions)."""
        from app.answers import index
        from app.extensions import db

        with app.test_request_context():
            count = index.rebuild()
            db.session.commit()
        click.echo(f"{count} documents indexed")

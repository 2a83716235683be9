"""``flask lookups …``: import a GTFS feed or exam scores, write the sample feed."""

from __future__ import annotations

import sys

import click

from app.extensions import db
from app.lookups import bp, exams, gtfs, sample_feed


@bp.cli.command("import-gtfs")
@click.argument("feed", type=click.Path(exists=True, dir_okay=False))
def import_gtfs(feed: str):
    """Validate FEED (a GTFS ZIP) and make it the active bus network."""
    try:
        imported = gtfs.import_feed(feed, source_name=feed.rsplit("/", 1)[-1])
    except gtfs.GtfsError as error:
        db.session.rollback()
        for issue in error.report.errors:
            click.echo(f"error: {issue}", err=True)
        click.echo(f"{error.report.error_count} error(s): nothing imported", err=True)
        sys.exit(1)
    db.session.commit()
    for issue in imported.warnings[:50]:
        click.echo(f"warning: {gtfs.Issue(**issue)}", err=True)
    counts = ", ".join(f"{k} {v}" for k, v in imported.counts.items())
    click.echo(f"imported feed {imported.id}: {counts}; {len(imported.warnings)} warning(s)")


@bp.cli.command("import-exams")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--year", type=int, required=True)
def import_exams(csv_file, year: int):
    """Import THPT exam scores for YEAR from a CSV (candidate_number, full_name, birth_date, subjects…)."""
    result = exams.import_csv(csv_file, year)
    if result.error_count:
        db.session.rollback()
        for e in result.errors:
            click.echo(f"line {e.line} [{e.field or ''}]: {e.message}", err=True)
        click.echo(f"{result.error_count} error(s): nothing imported", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"imported {result.imported} candidates for {year}")


@bp.cli.command("sample-feed")
@click.argument("target", type=click.Path(dir_okay=False))
def write_sample_feed(target: str):
    """Write the small sample GTFS feed (demo network) to TARGET."""
    with open(target, "wb") as handle:
        handle.write(sample_feed.sample_zip())
    click.echo(target)

"""Store hygiene: what a superseded, rejected or replaced version leaves behind is reduced.

Version graphs no longer published nor held are dropped where they are replaced
(``graph.publish.settle``; ``collect_garbage`` catches leftovers of a crash). Their
*records* stay: the load (who, when, file and its SHA-256, outcome, message), the
publication or rejection (who, when, why) and the validation report's header. What would
still grow with every reload is the report's results: at demo scale a held table with 600
findings adds ~12,000 quads per load. ``tidy_reports``, run after every settle, publish
and rejection, finds the reports no version in force or held any more is judged by
(``superseded_reports``) and moves their results to files (``graph.provenance.report_archive``),
chaining each archive (``report-archive``: the file's name, SHA-256, size and the counts
per rule) in the audit log before its results are removed. A report in force written
before reports kept their counts gets them then (``finding_tally.keep_missing_tallies``).

The audit chain hashes its own entries, and a store graph only when an entry is written
(``Platform.audit``): removing results afterwards leaves every entry verifiable. The
``validation`` entry of an archived report keeps the SHA-256 of its findings as
validation produced them; the archive's own SHA-256 is in its ``report-archive`` entry.
"""

from __future__ import annotations

from graph.check.report import SH
from graph.provenance.finding_tally import keep_missing_tallies
from graph.provenance.report_archive import ArchivedReport, archive_report, remove_results
from graph.publish.instance import Instance
from graph.publish.load_report import LoadReport, timed
from graph.rdf.namespaces import OC, PROV
from graph.rdf.results import solution_rows
from graph.store.versions import (
    EVERYONE_INTERNAL,
    draft_datasets,
    published_datasets,
    restricted_provenance_graphs,
)

__all__ = ["superseded_reports", "tidy_reports"]

# Every report with results still in the store, the graph of its header, and the versions
# its activity judged (a load generated one; a publication used one).
_REPORTS = f"""SELECT DISTINCT ?report ?home ?version WHERE {{
  GRAPH ?home {{ ?report a <{SH}ValidationReport> }}
  GRAPH ?a {{ ?activity <{OC}validationReport> ?report }}
  {{ GRAPH ?b {{ ?activity <{PROV}generated> ?version }} }}
  UNION {{ GRAPH ?b {{ ?activity <{PROV}used> ?version }} }}
  FILTER EXISTS {{ GRAPH ?c {{ ?report <{SH}result> ?result }} }} }}"""


def superseded_reports(instance: Instance) -> list[tuple[str, str]]:
    """(report, graph of its header) of every report with results whose versions are all
    gone: neither published nor held as a draft."""
    store, iris = instance.store, instance.iris
    live = set(published_datasets(store, iris, EVERYONE_INTERNAL).values())
    live |= set(draft_datasets(store, iris).values())
    rows = solution_rows(store.query(_REPORTS, default_graph=[], named_graphs=_graphs(instance)))
    homes: dict[str, str] = {}
    judged_live: set[str] = set()
    for row in rows:
        report = row["report"].value
        homes[report] = row["home"].value
        if row["version"].value in live:
            judged_live.add(report)
    return sorted((r, home) for r, home in homes.items() if r not in judged_live)


def tidy_reports(instance: Instance, reports: list[LoadReport] | None = None) -> list[ArchivedReport]:
    """Archive the results of every superseded report (nothing when ``report_archive_path``
    is off or the store is in memory); the time it took goes into ``reports``' steps."""
    # A report in force written before reports kept their counts is counted once, here, so
    # that the home page reads counts instead of counting its results (finding_tally).
    keep_missing_tallies(instance.store, instance.iris)
    folder = instance.settings.report_archive_location
    if folder is None:
        return []
    done: list[ArchivedReport] = []
    with timed(reports or [], "report archive"):
        graphs = _graphs(instance)
        for report, home in superseded_reports(instance):
            archived = archive_report(instance.store, report, home, graphs, folder)
            if not archived.resumed:
                # Chained before anything is removed: the log names the file that keeps it.
                instance.audit("report-archive", [report], archived.as_payload())
            remove_results(instance.store, report)
            done.append(archived)
    return done


def _graphs(instance: Instance) -> list[str]:
    """The provenance graphs: where reports, their results and acceptances are."""
    iris = instance.iris
    return [iris.provenance_graph, *restricted_provenance_graphs(instance.store, iris)]

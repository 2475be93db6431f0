"""Make the decision logs of tests/audit/v1_*.sql.gz with the code before migrations (commit
c2c24db, schema without a version): run it with that checkout's interpreter, e.g.

    /path/to/c2c24db/.venv/bin/python tests/audit/make_v1_logs.py sqlite:////tmp/v1.db
    /path/to/c2c24db/.venv/bin/python tests/audit/make_v1_logs.py postgresql://…

then dump the database as SQL (SQLite: Connection.iterdump; PostgreSQL: pg_dump --inserts
--no-owner --no-privileges) and gzip it. Three decisions: the bundled law, an amendment with a
parameter, and an application id that needs escaping."""

import json
import sys
from pathlib import Path

from lexgraph.compliance.audit import DecisionLog
from lexgraph.compliance.decisions import LawContext
from lexgraph.compliance.render import decision_json

ROOT = Path(__file__).resolve().parent.parent.parent
application = json.loads((ROOT / "examples" / "engineer_pr.json").read_text(encoding="utf-8"))
log = DecisionLog(sys.argv[1])
base = LawContext.load()
log.record(application, decision_json(base.decide(application)), base)
fast = ROOT / "tests" / "service" / "fast_track.lex"
amended = LawContext.load(None, [fast], {"min_years_in_post": "9"})
log.record(
    application, decision_json(amended.decide(application)), amended, [fast], {"min_years_in_post": "9"}
)
odd = {**application, "id": 'ünïcødé "quoted"\n\t\u0001 — 中文'}
log.record(odd, decision_json(base.decide(odd)), base)
print(log.verify())
log.close()

"""An amendment uploaded at run time (POST /v1/amendments): checked as data, then kept in the
upload folder that every worker reads."""

import os
import tempfile
from pathlib import Path
from typing import Any

from lexgraph.engine.diagnostics import LexgraphError

from .laws import AMENDMENT_ID, Laws, law_context
from .problems import HTTPProblem
from .settings import MAX_AMENDMENT


def load_amendment(laws: Laws, text: str, wanted: Any) -> dict[str, Any]:
    """Check an uploaded amendment as data and keep it. Judged on the grammar's parse, never on
    the text: exactly one `amendment` block, no `instrument`, and no `import` anywhere (an import
    would read a file of the server's: /etc/shadow, /dev/zero, a FIFO). Then checked against the
    baseline before it is kept; nothing but the upload itself is read."""
    from lexgraph.engine.syntax import parse

    if len(text.encode("utf-8", "surrogatepass")) > MAX_AMENDMENT:
        raise HTTPProblem(413, f"an amendment is at most {MAX_AMENDMENT} bytes")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPProblem(
            422, "the amendment is not Unicode text", [("$.source", "it holds a lone surrogate")]
        ) from None
    tree, errors = parse(text, "upload.lex")
    if tree is None:
        raise HTTPProblem(
            422,
            "the amendment does not parse",
            [(f"$.source:{d.span.line}:{d.span.column}", f"{d.code}: {d.message}") for d in errors],
        )
    declarations = [d for d in tree.children if hasattr(d, "data")]

    def at(node: Any) -> str:
        return f"$.source:{getattr(node.meta, 'line', 1)}:{getattr(node.meta, 'column', 1)}"

    imports = [d for d in declarations if d.data == "import_decl"]
    if imports:
        raise HTTPProblem(
            422,
            "an uploaded amendment may not import other files",
            [(at(d), "import is not allowed here") for d in imports],
        )
    blocks = [d for d in declarations if d.data == "amendment_decl"]
    instruments = [d for d in declarations if d.data == "instrument_decl"]
    if len(blocks) != 1 or instruments:
        problems = [(at(d), "an instrument is not allowed here") for d in instruments]
        if len(blocks) != 1:
            problems.append(("$.source", f"found {len(blocks)} amendment blocks"))
        raise HTTPProblem(
            422, "an amendment file holds exactly one `amendment` block and no instrument", problems
        )
    amendment_id = wanted if wanted is not None else str(blocks[0].children[0])
    if not isinstance(amendment_id, str) or not AMENDMENT_ID.match(amendment_id):
        raise HTTPProblem(
            422, "bad amendment id", [("$.id", "lower-case letters, digits and _, 1–64 characters")]
        )
    assert laws.upload_dir is not None
    if amendment_id in laws.known():
        raise HTTPProblem(409, f"amendment `{amendment_id}` already exists")
    with tempfile.TemporaryDirectory(prefix="lexgraph-upload-") as tmp:
        candidate = Path(tmp) / f"{amendment_id}.lex"
        candidate.write_text(text, encoding="utf-8")
        try:
            context = law_context(laws.law_dirs, [candidate])
        except LexgraphError as error:
            raise HTTPProblem(
                422,
                "the amendment does not check",
                [
                    (
                        f"$.source:{d.span.line}:{d.span.column}"
                        if Path(d.span.path).name == candidate.name
                        else "$.source",
                        f"{d.code}: {d.message}",
                    )
                    for d in error.diagnostics
                ],
            ) from None
        laws.upload_dir.mkdir(parents=True, exist_ok=True)
        try:
            # A hard link fails if the name is taken: two workers uploading one id cannot both win.
            os.link(candidate, laws.upload_dir / f"{amendment_id}.lex")
        except FileExistsError:
            raise HTTPProblem(409, f"amendment `{amendment_id}` already exists") from None
        except OSError:
            target = laws.upload_dir / f"{amendment_id}.lex"
            with open(target, "x", encoding="utf-8") as out:
                out.write(text)
    return {
        "id": amendment_id,
        "digest": context.law.digest,
        "amendments": list(context.law.applied_amendments),
    }

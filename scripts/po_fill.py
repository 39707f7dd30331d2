"""Fill Russian translations into locale/ru/LC_MESSAGES/django.po.

Usage: python scripts/po_fill.py translations.json
The JSON maps msgid -> msgstr. Matching entries get the msgstr and lose any
fuzzy flag and previous-msgid comment. Prints msgids still untranslated.
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def po_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(path: str) -> None:
    mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    out = []
    for block in blocks:
        lines = block.split("\n")
        msgid_lines = []
        in_id = False
        for line in lines:
            if line.startswith("msgid "):
                in_id = True
                msgid_lines.append(line[6:])
            elif in_id and line.startswith('"'):
                msgid_lines.append(line)
            else:
                in_id = False if not line.startswith('"') else in_id
        msgid = "".join(json.loads(x) for x in msgid_lines) if msgid_lines else None
        if msgid and msgid in mapping and "msgid_plural" not in block:
            keep = [
                ln
                for ln in lines
                if ln.startswith("#") and not ln.startswith(("#,", "#|"))
            ]
            flags = [ln for ln in lines if ln.startswith("#,")]
            flags = [re.sub(r",? fuzzy", "", f) for f in flags]
            flags = [f for f in flags if f.strip() != "#,"]
            block = "\n".join(
                keep
                + flags
                + [f"msgid {po_quote(msgid)}", f"msgstr {po_quote(mapping[msgid])}"]
            )
        out.append(block)
    PO.write_text("\n\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])

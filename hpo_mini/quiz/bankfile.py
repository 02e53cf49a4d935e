"""The bank's data files: TOML read with the standard library, written by a small emitter.

A quiz's questions live in `bank/qNN_<stem>.toml`; the exam handout writes stripped copies of them,
so the package needs a writer too (the standard library only reads TOML). The writer knows the few
shapes the bank uses: strings, numbers, booleans, lists of strings, one table of strings (`sections`),
an array of tables (`questions`), and inside a question an inline table of numbers (`params`, the
numbers its prompt is filled with) and an array of sub-tables (`[[questions.follow_ups]]`). Long prose is wrapped with TOML's line-ending backslash, which
joins the lines again when read: `tomllib.loads(dumps(data)) == data` for every bank file (a test
checks it).
"""

from __future__ import annotations

import sys
import textwrap

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 needs the backport
    import tomli as tomllib

__all__ = ["read", "loads", "dumps", "write"]

WIDTH = 100  # wrap prose at this many characters
SHORT = 96  # strings up to this long, without a newline, stay one-line basic strings


def loads(text: str) -> dict:
    return tomllib.loads(text)


def read(path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def _escape_char(ch: str) -> str:
    if ch == "\\":
        return "\\\\"
    if ch == "\t":
        return ch
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04X}"
    return ch


def _basic(text: str) -> str:
    """A one-line basic string: "...", with \\ " and control characters escaped."""
    out = []
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(_escape_char(ch))
    return '"' + "".join(out) + '"'


def _escape_multiline(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch == '"' and (text[i + 1 : i + 2] == '"' or i == len(text) - 1):
            out.append('\\"')  # never three quotes in a row, never a quote before the closing ones
        elif ch == "\n":
            out.append("\n")
        else:
            out.append(_escape_char(ch))
    return "".join(out)


def _wrap_line(line: str, width: int) -> list[str]:
    """Split a line at spaces into chunks that each end in a space (a line-ending backslash follows)."""
    if len(line) <= width or line.startswith(" "):
        return [line]
    chunks = textwrap.wrap(line, width=width, break_long_words=False, break_on_hyphens=False,
                           drop_whitespace=True, replace_whitespace=False)
    if " ".join(chunks) != line:  # runs of spaces: do not wrap, keep the text exact
        return [line]
    return [c + " " for c in chunks[:-1]] + [chunks[-1]]


def _literal_ok(text: str) -> bool:
    return "'''" not in text and not text.endswith("'") and all(ch in "\n\t" or 0x20 <= ord(ch) != 0x7F for ch in text)


def _string(text: str, wrap: bool) -> str:
    if len(text) <= SHORT and "\n" not in text:
        return _basic(text)
    if not wrap and _literal_ok(text):  # code: a multi-line literal string, no escapes at all
        return "'''\n" + text + "'''"
    lines = []
    for line in text.split("\n"):
        chunks = [_escape_multiline(c) for c in (_wrap_line(line, WIDTH) if wrap else [line])]
        lines.append("".join(c + "\\\n" for c in chunks[:-1]) + chunks[-1])  # "word \" + newline joins
    return '"""\n' + "\n".join(lines) + '"""'


def _value(value, key: str, code_keys) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _string(value, wrap=key not in code_keys)
    if isinstance(value, dict):  # an inline table of scalars: params = { n = 6, lr = 0.1 }
        if any(isinstance(v, (dict, list, tuple)) for v in value.values()):
            raise TypeError(f"{key}: an inline table in the bank holds scalars only, but got {value!r}")
        return "{ " + ", ".join(f"{_bare_key(k)} = {_value(v, k, code_keys)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        items = [_value(v, key, code_keys) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= WIDTH and "\n" not in one_line:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"{key}: the bank's TOML holds strings, numbers, booleans and lists, but got {type(value).__name__}")


def _bare_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "_-" for c in key) else _basic(key)


def _plain(value):
    """Tuples as lists, recursively: what TOML gives back."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _is_array_of_tables(value) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, dict) for v in value)


def dumps(data: dict, header: str = "", code_keys=("stub",)) -> str:
    """TOML text for a dict of scalars, lists, tables of scalars and arrays of tables (in that order).
    Strings under `code_keys` keep their lines as they are (no wrapping)."""
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    if out:
        out.append("")
    tables, arrays = {}, {}
    for key, value in data.items():
        if isinstance(value, dict):
            tables[key] = value
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays[key] = value
        else:
            out.append(f"{_bare_key(key)} = {_value(value, key, code_keys)}")
    for name, table in tables.items():
        out += ["", f"[{_bare_key(name)}]"]
        out += [f"{_bare_key(k)} = {_value(v, k, code_keys)}" for k, v in table.items()]
    for name, rows in arrays.items():
        for row in rows:
            out += ["", f"[[{_bare_key(name)}]]"]
            subarrays = {k: v for k, v in row.items() if _is_array_of_tables(v)}
            out += [f"{_bare_key(k)} = {_value(v, k, code_keys)}" for k, v in row.items() if k not in subarrays]
            for sub, subrows in subarrays.items():  # [[questions.follow_ups]] after the question's own keys
                for subrow in subrows:
                    out += ["", f"[[{_bare_key(name)}.{_bare_key(sub)}]]"]
                    out += [f"{_bare_key(k)} = {_value(v, k, code_keys)}" for k, v in subrow.items()]
    text = "\n".join(out) + "\n"
    if loads(text) != _plain(data):
        raise ValueError("the TOML writer did not round-trip this data; simplify the strings or extend bankfile.py")
    return text


def write(path, data: dict, header: str = "", code_keys=("stub",)) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(data, header, code_keys))

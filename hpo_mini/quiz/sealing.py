"""How the bank keeps answers out of sight: salted hashes and a light obfuscation.

A choice answer, or an exact integer, is stored as `sha256(salt | question id | canonical answer)`:
the grader hashes what the learner typed and compares. A number checked with a tolerance cannot be
hashed (0.9500 and 0.95 must both pass), so it is stored XOR-ed with a key derived from the question
id and base64-encoded: unreadable at a glance, decodable by anyone who reads this file.

This is for honest self-study, not an exam lock: a choice question has a handful of options, so its
hash can be brute-forced in microseconds, and the obfuscated numbers decode with `unseal`. Exams use
the handout, which ships no keys at all (handout.py).

The bank's keys are sealed by `python -m hpo_mini.quiz.build` from solutions/keys (keys.py); the command
line below shows what one answer becomes:

    python -m hpo_mini.quiz.sealing hash q99.pick b
    python -m hpo_mini.quiz.sealing hash q99.picks "a,c"        # multiple choice: letters
    python -m hpo_mini.quiz.sealing seal q99.ratio 0.4721       # (made-up ids and answers)
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys

__all__ = ["SALT", "canonical_letters", "hash_answer", "seal", "unseal"]

# One salt for the whole bank; each hash also mixes in its question id, so equal answers to
# different questions have different hashes.
SALT = "hpo-mini/quiz/v1"


def canonical_letters(letters) -> str:
    """{"c", "A"} -> "a,c": lower case, sorted, unique, comma-separated."""
    if isinstance(letters, str):
        letters = [p for p in letters.replace(",", " ").split() if p] if ("," in letters or " " in letters) else list(letters)
    return ",".join(sorted({str(x).strip().lower() for x in letters}))


def hash_answer(question_id: str, canonical: str) -> str:
    """The stored form of a canonical answer string: 'sha256:<hex>'."""
    digest = hashlib.sha256(f"{SALT}|{question_id}|{canonical}".encode()).hexdigest()
    return f"sha256:{digest}"


def _keystream(question_id: str, n: int) -> bytes:
    out = b""
    block = 0
    while len(out) < n:
        out += hashlib.sha256(f"{SALT}|{question_id}|{block}".encode()).digest()
        block += 1
    return out[:n]


def seal(question_id: str, value) -> str:
    """Obfuscate a JSON-able value (a number, a list of numbers): 'obf:<base64>'."""
    raw = json.dumps(value).encode()
    mixed = bytes(a ^ b for a, b in zip(raw, _keystream(question_id, len(raw))))
    return "obf:" + base64.b64encode(mixed).decode()


def unseal(question_id: str, sealed: str):
    """The inverse of `seal`."""
    if not sealed.startswith("obf:"):
        raise ValueError(f"a sealed value starts with 'obf:', but got {sealed[:12]!r}...")
    mixed = base64.b64decode(sealed[4:])
    raw = bytes(a ^ b for a, b in zip(mixed, _keystream(question_id, len(mixed))))
    return json.loads(raw.decode())


def _main(argv) -> int:
    if len(argv) != 3 or argv[0] not in ("hash", "seal"):
        print(__doc__)
        return 2
    command, qid, answer = argv
    if command == "hash":
        canonical = canonical_letters(answer) if answer.replace(",", "").replace(" ", "").isalpha() else str(int(answer))
        print(hash_answer(qid, canonical))
    else:
        print(seal(qid, json.loads(answer)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

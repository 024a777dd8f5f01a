"""Property-based fuzzing of the parsers that take outside input in this area: backup
manifests (and a backup's keyslot file), checkpoint codes, recovery keys.

Whatever the input: no crash other than the documented error (InputError for typed codes
and keys, DamageError for a damaged backup file), and no hang (a per-example deadline).
"""

from __future__ import annotations

import contextlib
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confterm.errors import ConftermError, DamageError, InputError
from confterm.vault import audit, keys, keyslots
from confterm.vault.backup_format import FORMAT, VERSION, parse_manifest
from tests.robust.robust_util import record

FUZZ = settings(max_examples=1500, deadline=1000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
COUNTS: dict[str, int] = {}


def _count(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1
    record("fuzzing (examples run)", **COUNTS)


VALID = {
    "format": FORMAT, "version": VERSION, "backup_id": "a" * 32, "vault_id": "b" * 32,
    "vault_name": "档案库", "created_at": "2025-01-01T00:00:00.000000Z", "created_by": "李建国",
    "label": "U盘", "kept_at": "保险柜", "origin": "/v", "confterm_version": "0.1.0",
    "migrations": ["0001_core.sql"], "audit": {"count": 3, "head": "c" * 64},
    "files": {n: {"size": 1, "sha256": "d" * 64}
              for n in ("vault.db", "keyslots.json", "keyslots.bak.json")},
    "mac": "e" * 64,
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


def _manifest_outcome(raw: bytes) -> None:
    with contextlib.suppress(DamageError, InputError):  # nothing else may escape
        parse_manifest(raw, "fuzz/manifest.json")


@pytest.mark.slow
def test_valid_manifest_parses() -> None:
    manifest = parse_manifest(json.dumps(VALID).encode(), "m")
    assert manifest.audit_count == 3 and manifest.label == "U盘"


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=3000))
def test_manifest_random_bytes(raw: bytes) -> None:
    _count("manifest_bytes")
    _manifest_outcome(raw)


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(sorted(VALID)), json_values, st.sampled_from(["set", "delete"]))
def test_manifest_field_mutations(key: str, value: object, how: str) -> None:
    _count("manifest_fields")
    data = json.loads(json.dumps(VALID))
    if how == "delete":
        del data[key]
    else:
        data[key] = value
    _manifest_outcome(json.dumps(data, allow_nan=True).encode())


@pytest.mark.slow
@FUZZ
@given(st.integers(min_value=0, max_value=900), st.binary(min_size=1, max_size=20))
def test_manifest_truncated_or_spliced(cut: int, junk: bytes) -> None:
    _count("manifest_truncated")
    raw = json.dumps(VALID, indent=1).encode()
    _manifest_outcome(raw[:cut])
    _manifest_outcome(raw[:cut] + junk + raw[cut:])


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=2500))
def test_backup_keyslot_file_random_bytes(tmp_path_factory: pytest.TempPathFactory,
                                          raw: bytes) -> None:
    _count("keyslot_file")
    folder: Path = tmp_path_factory.mktemp("ks", numbered=True)
    for name in (keyslots.PRIMARY, keyslots.BACKUP):
        (folder / name).write_bytes(raw)
    with pytest.raises(DamageError):
        keyslots.load(folder)


code_text = st.text(alphabet=string.ascii_letters + string.digits + " -_\t中文", max_size=60)


@pytest.mark.slow
@FUZZ
@given(st.one_of(code_text, st.text(max_size=80)))
def test_checkpoint_code_any_text(text: str) -> None:
    _count("checkpoint_code")
    try:
        count, digest = audit.parse_checkpoint_code(text)
    except InputError:
        return
    assert count >= 0 and len(digest) == audit.CODE_HASH_CHARS


@pytest.mark.slow
@FUZZ
@given(st.integers(min_value=0, max_value=10**12), st.binary(min_size=32, max_size=32),
       st.sampled_from(["upper", "lower", "spaces"]))
def test_checkpoint_code_round_trip(count: int, head: bytes, style: str) -> None:
    _count("checkpoint_round_trip")
    code = audit.checkpoint_code(count, head)
    typed = {"upper": code, "lower": code.lower(), "spaces": code.replace("-", " ")}[style]
    assert audit.parse_checkpoint_code(typed) == audit.parse_checkpoint_code(code)
    assert audit.parse_checkpoint_code(code)[0] == count


@pytest.mark.slow
@FUZZ
@given(st.integers(min_value=0, max_value=10**9), st.binary(min_size=32, max_size=32),
       st.integers(min_value=0, max_value=15), st.integers(min_value=1, max_value=31))
def test_checkpoint_code_catches_every_single_character_typo(
        count: int, head: bytes, index: int, shift: int) -> None:
    """Regression for the fuzzing finding fixed in the core (mod 31 let '0' <-> 'Z' pass):
    any one character of the digest mistyped is a typo, never another checkpoint."""
    _count("checkpoint_typo")
    code = audit.checkpoint_code(count, head)
    digest_start = code.index("-", 3) + 1
    position = digest_start + index + index // 4  # skip the group hyphens
    old = code[position]
    new = audit.CODE_ALPHABET[(audit.CODE_ALPHABET.index(old) + shift) % 32]
    with pytest.raises(InputError):
        audit.parse_checkpoint_code(code[:position] + new + code[position + 1:])


@pytest.mark.slow
@FUZZ
@given(st.integers(min_value=0, max_value=25), st.integers(min_value=1, max_value=31))
def test_recovery_key_catches_every_single_character_typo(index: int, shift: int) -> None:
    _count("recovery_typo")
    key = keys.new_recovery_key().decode()
    plain = key.replace("-", "")
    new = keys.RECOVERY_ALPHABET[(keys.RECOVERY_ALPHABET.index(plain[index]) + shift) % 32]
    with pytest.raises(InputError):
        keys.normalise_recovery_key(bytearray((plain[:index] + new + plain[index + 1:]).encode()))


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=120))
def test_recovery_key_any_bytes(raw: bytes) -> None:
    _count("recovery_key")
    try:
        canonical = keys.normalise_recovery_key(bytearray(raw))
    except InputError:
        return
    assert len(canonical) == 27 + 6  # 27 characters in groups of four


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(["lower", "nospace", "spaces", "confusable"]), st.randoms())
def test_recovery_key_round_trip(style: str, rnd: object) -> None:
    _count("recovery_round_trip")
    key = keys.new_recovery_key().decode()
    typed = {"lower": key.lower(), "nospace": key.replace("-", ""),
             "spaces": key.replace("-", " "),
             "confusable": key.replace("0", "O").replace("1", "I")}[style]
    assert keys.normalise_recovery_key(bytearray(typed.encode())).decode() == key


def test_every_error_raised_here_is_a_conferm_error() -> None:
    """The catch-alls above are meaningful only if these are ConftermErrors (exit codes)."""
    assert issubclass(DamageError, ConftermError) and issubclass(InputError, ConftermError)

"""Known-answer tests: our Argon2id and Ed25519 produce the reference outputs."""

from confterm.vault import keys
from confterm.vault.kdf import KdfParams, derive_key


def test_argon2id_reference_vector() -> None:
    # phc-winner-argon2 test.c: Argon2id v1.3, t=2, m=2^16, p=1, "password", "somesalt"
    out = derive_key(bytearray(b"password"), b"somesalt", KdfParams(65536, 2, 1))
    assert out.hex() == "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"


def test_ed25519_rfc8032_test1() -> None:
    seed = bytearray.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    assert keys.public_key_of(seed).hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = keys.sign(seed, b"")
    assert signature.hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
        "39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    assert keys.verify_signature(keys.public_key_of(seed), signature, b"")
    assert not keys.verify_signature(keys.public_key_of(seed), signature, b"x")

"""Signed checkpoints: the chain head at a moment, signed with an Ed25519 key kept outside the
database, as Certificate Transparency's signed tree heads are."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .chain import AuditError, _now, canonical

CHECKPOINT_KIND = "lexgraph decision log checkpoint v1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment, signed with an Ed25519 key kept outside the database."""

    seq: int
    hash: str
    signed_at: str
    key: str  # sha256 of the raw public key, hex: which key signed
    signature: str = ""  # base64 Ed25519 signature over message()

    def message(self) -> bytes:
        return canonical(
            {
                "kind": CHECKPOINT_KIND,
                "seq": self.seq,
                "hash": self.hash,
                "signed_at": self.signed_at,
                "key": self.key,
            }
        ).encode()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": CHECKPOINT_KIND,
            "seq": self.seq,
            "hash": self.hash,
            "signed_at": self.signed_at,
            "key": self.key,
            "signature": self.signature,
        }

    @classmethod
    def read(cls, path: Path) -> Checkpoint:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("kind") != CHECKPOINT_KIND:
                raise ValueError("not a lexgraph checkpoint")
            return cls(
                int(data["seq"]),
                str(data["hash"]),
                str(data["signed_at"]),
                str(data["key"]),
                str(data["signature"]),
            )
        except OSError as error:
            raise AuditError(
                f"cannot read the checkpoint `{path}`: {(error.strerror or str(error)).lower()}"
            ) from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise AuditError(f"`{path}` is not a lexgraph checkpoint: {error}") from None


def _key_id(public_key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def generate_key(path: Path) -> str:
    """A new Ed25519 key: the private key in `path` (PEM, mode 0600), the public key beside it
    in `path`.pub. Returns the key id."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private)
        Path(f"{path}.pub").write_bytes(public)
    except FileExistsError:
        raise AuditError(f"`{path}` exists: a key is never overwritten") from None
    except OSError as error:
        raise AuditError(f"cannot write the key `{path}`: {(error.strerror or str(error)).lower()}") from None
    return _key_id(key.public_key())


def _load_key(path: Path, private: bool) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    try:
        data = path.read_bytes()
    except OSError as error:
        raise AuditError(f"cannot read the key `{path}`: {(error.strerror or str(error)).lower()}") from None
    try:
        if private:
            key: Any = serialization.load_pem_private_key(data, password=None)
            wanted: Any = Ed25519PrivateKey
        else:
            try:
                key = serialization.load_pem_public_key(data)
            except ValueError:  # the private key also names the public one
                key = serialization.load_pem_private_key(data, password=None).public_key()
            wanted = Ed25519PublicKey
    except (ValueError, TypeError) as error:
        raise AuditError(f"`{path}` is not a PEM key: {error}") from None
    if not isinstance(key, wanted):
        raise AuditError(f"`{path}` is not an Ed25519 key")
    return key


def sign_checkpoint(seq: int, head_hash: str, key_path: Path) -> Checkpoint:
    import base64

    key = _load_key(key_path, private=True)
    unsigned = Checkpoint(seq, head_hash, _now(), _key_id(key.public_key()))
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return dataclasses.replace(unsigned, signature=signature)


def check_signature(checkpoint: Checkpoint, public_key_path: Path) -> None:
    """Raise AuditError unless the checkpoint was signed by this key."""
    import base64
    import binascii

    from cryptography.exceptions import InvalidSignature

    key = _load_key(public_key_path, private=False)
    if _key_id(key) != checkpoint.key:
        raise AuditError(
            f"the checkpoint was signed by key {checkpoint.key[:16]}…, not by `{public_key_path}`"
        )
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, binascii.Error, ValueError):
        raise AuditError("the checkpoint's signature is not valid: it was altered or forged") from None

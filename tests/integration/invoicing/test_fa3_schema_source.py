"""The XSD comes at run time from the ksef-client package or a configured directory — never from
``../shared`` — and its absolute ``crd.gov.pl`` imports are answered locally."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from omnistock.domain.errors import InvalidValue
from omnistock.invoicing.fa3_schema import (
    BASE,
    CRD,
    ENV_DIR,
    MAIN,
    Fa3Schema,
    default_schema,
    locate,
    packaged_schema_dir,
    schema_dir_from,
)

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SAMPLE = SHARED / "reference/ksef/fa3/samples/FA_3_Przykład_1.xml"


def test_default_schema_is_read_from_the_ksef_client_package() -> None:
    spec = importlib.util.find_spec("ksef_client")
    assert spec is not None
    assert spec.origin is not None
    package = Path(spec.origin).parent.resolve()
    schema = default_schema()
    assert schema.directory == packaged_schema_dir().resolve()
    assert set(schema.files) == {MAIN, *BASE}
    for path in schema.files.values():
        assert path.is_relative_to(package), path
        assert not path.is_relative_to(SHARED.resolve()), path


def test_configured_flat_directory_is_used(tmp_path: Path) -> None:
    for path in default_schema().files.values():
        shutil.copy(path, tmp_path / path.name)
    schema = Fa3Schema.load(tmp_path)
    assert all(p.is_relative_to(tmp_path) for p in schema.files.values())
    assert schema.problems(SAMPLE.read_bytes()) == []


def test_base_schemas_are_resolved_from_the_configured_directory(tmp_path: Path) -> None:
    """A copy whose country list lacks DE rejects a DE address: the include came from the copy."""
    (tmp_path / "bazowe").mkdir()  # the Ministry's layout
    for path in default_schema().files.values():
        target = tmp_path / (path.name if path.name == MAIN else f"bazowe/{path.name}")
        shutil.copy(path, target)
    countries = tmp_path / "bazowe" / "KodyKrajow_v10-0E.xsd"
    text = countries.read_text(encoding="utf-8")
    assert text.count('<xsd:enumeration value="DE">') == 1
    countries.write_text(
        text.replace('<xsd:enumeration value="DE">', '<xsd:enumeration value="QQ">')
    )
    german = SAMPLE.read_bytes().replace(b"<KodKraju>PL</KodKraju>", b"<KodKraju>DE</KodKraju>", 1)
    assert default_schema().problems(german) == []
    problems = Fa3Schema.load(tmp_path).problems(german)
    assert [p.path for p in problems] == ["Faktura/Podmiot1/Adres/KodKraju"]


def test_broken_configured_schema_is_a_clear_error(tmp_path: Path) -> None:
    for path in default_schema().files.values():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / MAIN).write_text("<not-a-schema/>")
    with pytest.raises(InvalidValue) as caught:
        Fa3Schema.load(tmp_path)
    assert caught.value.field == ENV_DIR


def test_directory_comes_from_the_environment_mapping(tmp_path: Path) -> None:
    assert schema_dir_from({ENV_DIR: str(tmp_path)}) == tmp_path
    assert schema_dir_from({}) is None
    assert schema_dir_from({ENV_DIR: "  "}) is None


def test_missing_schema_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue) as caught:
        locate(tmp_path)
    assert caught.value.field == ENV_DIR


def test_invalid_document_problems_name_the_place(schema: Fa3Schema) -> None:
    data = SAMPLE.read_bytes().replace(b"<JST>2</JST>", b"")
    (problem,) = schema.problems(data)
    assert "GV" in problem.message
    assert problem.path == "Faktura/Podmiot2/GV"


def normalised(path: Path) -> list[str]:
    """Lines without line-ending/trailing-space differences and with include targets reduced to
    file names — the only ways ksef-client's copies differ from the Ministry's files."""
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    return [line.replace(f'schemaLocation="{CRD}', 'schemaLocation="') for line in lines]


@pytest.mark.parametrize("name", [MAIN, *BASE])
def test_packaged_xsd_is_the_ministry_schema(name: str) -> None:
    reference = SHARED / "reference/ksef/fa3"
    original = reference / name if name == MAIN else reference / "bazowe" / name
    packaged = default_schema().files[name]
    assert normalised(packaged) == normalised(original)

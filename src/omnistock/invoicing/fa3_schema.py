"""Validate FA(3) XML against the official XSD, loaded offline from a package or a configured path.

The schema files come at run time from the ``ksef-client`` package (MIT; it ships the Ministry's
four FA(3) XSDs in ``ksef_client/documents/fa3/schemas/``) or from a directory given by the caller
(``OMNISTOCK_FA3_XSD_DIR``), flat or in the Ministry's layout with ``bazowe/``. The absolute
``http://crd.gov.pl/...`` imports and includes are mapped to those local files by an lxml
resolver; the parser never touches the network.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]  # no stubs

from omnistock.domain.errors import InvalidFile, InvalidValue

NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
CRD = "http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/"
MAIN = "schemat_FA(3)_v1-0E.xsd"
BASE = ("StrukturyDanych_v10-0E.xsd", "ElementarneTypyDanych_v10-0E.xsd", "KodyKrajow_v10-0E.xsd")
ENV_DIR = "OMNISTOCK_FA3_XSD_DIR"
PACKAGE = "ksef_client"
PACKAGE_SUBDIR = ("documents", "fa3", "schemas")


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaProblem:
    """One XSD violation: ``line`` in the document, ``path`` (XPath) and libxml2's ``message``."""

    line: int
    path: str
    message: str


class Fa3Invalid(InvalidValue):
    """The document breaks the FA(3) schema (``problems``) or omnistock's arithmetic checks."""

    def __init__(self, message: str, *, field: str | None, problems: tuple[object, ...]) -> None:
        super().__init__(message, field=field)
        self.problems = problems


def packaged_schema_dir() -> Path:
    """The XSD directory inside the installed ``ksef-client`` package (not imported)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise InvalidValue(f"package {PACKAGE!r} is not installed", field=ENV_DIR)
    return Path(spec.origin).parent.joinpath(*PACKAGE_SUBDIR)


def schema_dir_from(environ: Mapping[str, str]) -> Path | None:
    """The configured schema directory (``OMNISTOCK_FA3_XSD_DIR``), if any."""
    value = environ.get(ENV_DIR, "").strip()
    return Path(value) if value else None


def locate(directory: Path) -> dict[str, Path]:
    """File name → path of the main and the three base XSDs, in ``directory`` or ``bazowe/``."""
    found: dict[str, Path] = {}
    for name in (MAIN, *BASE):
        candidates = [directory / name, directory / "bazowe" / name]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise InvalidValue(f"{name} not found in {directory}", field=ENV_DIR)
        found[name] = path.resolve()
    return found


class _LocalResolver(etree.Resolver):  # type: ignore[misc,unused-ignore]
    """Answers the ``crd.gov.pl`` URLs (and bare file names) with the local copies."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        super().__init__()
        self._files = dict(files)

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        name = (system_url or "").rsplit("/", 1)[-1]
        path = self._files.get(name)
        if path is None:
            return None
        return self.resolve_filename(str(path), context)


def _parser(files: Mapping[str, Path] | None = None) -> Any:
    parser = etree.XMLParser(
        no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False
    )
    if files is not None:
        parser.resolvers.add(_LocalResolver(files))
    return parser


class Fa3Schema:
    """The compiled FA(3) schema: build it with :meth:`load` or :func:`default_schema`, reuse it."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = dict(files)
        self.directory = self.files[MAIN].parent
        try:
            tree = etree.parse(str(self.files[MAIN]), _parser(self.files))
            self._schema = etree.XMLSchema(tree)
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
            message = f"cannot compile the FA(3) schema in {self.directory}: {exc}"
            raise InvalidValue(message, field=ENV_DIR) from exc

    @classmethod
    def load(cls, directory: Path | None = None) -> Fa3Schema:
        """From ``directory`` if given, else from the ``ksef-client`` package."""
        return cls(locate(directory if directory is not None else packaged_schema_dir()))

    def problems(self, document: bytes | Any) -> list[SchemaProblem]:
        """Every XSD violation of ``document`` (empty list: valid)."""
        tree = parse_document(document) if isinstance(document, bytes) else document
        if self._schema.validate(tree):
            return []
        root = tree.getroot() if hasattr(tree, "getroot") else tree
        return [
            SchemaProblem(line=e.line, path=readable_path(root, e.path), message=e.message)
            for e in self._schema.error_log
        ]

    def validate(self, document: bytes | Any) -> None:
        """Raise :class:`Fa3Invalid` listing the violations unless ``document`` is valid."""
        problems = self.problems(document)
        if problems:
            first = problems[0]
            message = f"not valid FA(3): {first.message} (line {first.line})"
            raise Fa3Invalid(message, field=first.path or None, problems=tuple(problems))


def readable_path(root: Any, xpath: str | None) -> str:
    """``/*/*[3]/*[5]`` (libxml2's path) → ``Faktura/Podmiot2/GV``; unchanged if not found."""
    if not xpath:
        return ""
    try:
        nodes = root.getroottree().xpath(xpath)
    except etree.XPathError:
        return xpath
    if not nodes or not isinstance(nodes[0], etree._Element):
        return xpath
    names = [etree.QName(node).localname for node in (nodes[0], *nodes[0].iterancestors())]
    return "/".join(reversed(names))


@lru_cache(maxsize=4)
def default_schema(directory: Path | None = None) -> Fa3Schema:
    """A shared, compiled schema (cached per directory)."""
    return Fa3Schema.load(directory)


def parse_document(data: bytes) -> Any:
    """Parse FA(3) bytes safely (no network, no entities); a UTF-8 BOM is refused as KSeF does."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise InvalidFile("UTF-8 with BOM: KSeF requires UTF-8 without BOM", line=1)
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidFile(f"not well-formed XML: {exc.msg}", line=exc.lineno) from exc

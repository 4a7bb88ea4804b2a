"""Stage 1, ingest: read article texts, article metadata and annotation files."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from jrr.flows.caching import content_digest
from jrr.flows.problems import Problem
from jrr.flows.yaml_lines import Mapping, YamlSyntaxError, load_with_lines

ARTICLES_DIR = Path("raw/articles")
ANNOTATIONS_DIR = Path("raw/annotations")


@dataclass(frozen=True)
class Article:
    """An article's normalised text and its metadata file."""

    article_id: str
    text: str
    metadata: Mapping
    text_path: str
    metadata_path: str


@dataclass(frozen=True)
class AnnotationFile:
    """One parsed annotation file."""

    path: str
    content: Mapping


@dataclass(frozen=True)
class Inputs:
    """Everything read from raw/, plus the problems met while reading."""

    articles: dict[str, Article]
    annotations: list[AnnotationFile]
    problems: list[Problem]
    digest: str

    @property
    def texts(self) -> dict[str, str]:
        """Normalised text of every article, by id."""
        return {article_id: article.text for article_id, article in self.articles.items()}


def read_inputs(root: Path) -> Inputs:
    """Read raw/articles and raw/annotations under `root`."""
    problems: list[Problem] = []
    articles = {}
    files = [*(root / ARTICLES_DIR).rglob("*"), *(root / ANNOTATIONS_DIR).rglob("*")]
    digest = content_digest({_display(root, p): p.read_bytes() for p in files if p.is_file()})
    for text_path in sorted((root / ARTICLES_DIR).glob("*.txt")):
        article = _read_article(root, text_path, problems)
        if article is not None:
            articles[article.article_id] = article
    annotations = []
    for path in sorted((root / ANNOTATIONS_DIR).glob("*.yaml")):
        content = _read_yaml_mapping(root, path, problems)
        if content is not None:
            annotations.append(AnnotationFile(_display(root, path), content))
    problems.extend(_unread_files(root))
    return Inputs(articles, annotations, problems, digest)


def _unread_files(root: Path) -> list[Problem]:
    """A problem for every file under raw/ that the build would otherwise silently skip."""
    problems = []
    texts = {path.stem for path in (root / ARTICLES_DIR).glob("*.txt")}
    for folder, allowed in ((ARTICLES_DIR, {".txt", ".yaml"}), (ANNOTATIONS_DIR, {".yaml"})):
        for path in sorted((root / folder).rglob("*")):
            if path.is_dir():
                continue
            if path.parent != root / folder or path.suffix not in allowed:
                expected = " and ".join(f"<article_id>{suffix}" for suffix in sorted(allowed))
                message = f"not read: {folder.as_posix()}/ holds only {expected} files"
                problems.append(Problem(_display(root, path), 1, "file", message))
            elif folder == ARTICLES_DIR and path.suffix == ".yaml" and path.stem not in texts:
                message = f"metadata without text: add {folder.as_posix()}/{path.stem}.txt"
                problems.append(Problem(_display(root, path), 1, "file", message))
    return problems


def normalise_text(text: str) -> str:
    """NFC and `\\n` line endings: the text every offset and hash refers to."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def decode_utf8(data: bytes, display_path: str) -> tuple[str | None, Problem | None]:
    """Decode strict UTF-8, or name the line of the first bad byte."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        return None, Problem(display_path, line, "text", message)


def _read_article(root: Path, text_path: Path, problems: list[Problem]) -> Article | None:
    """Read one article's text and its metadata file."""
    display = _display(root, text_path)
    text, problem = decode_utf8(text_path.read_bytes(), display)
    if problem:
        problems.append(problem)
    metadata_path = text_path.with_suffix(".yaml")
    if not metadata_path.exists():
        problems.append(Problem(display, 1, "metadata", f"missing {_display(root, metadata_path)}"))
        return None
    metadata = _read_yaml_mapping(root, metadata_path, problems)
    if text is None or metadata is None:
        return None
    return Article(
        text_path.stem, normalise_text(text), metadata, display, _display(root, metadata_path)
    )


def _read_yaml_mapping(root: Path, path: Path, problems: list[Problem]) -> Mapping | None:
    """Parse a YAML file whose top level must be a mapping."""
    display = _display(root, path)
    text, problem = decode_utf8(path.read_bytes(), display)
    if problem:
        problems.append(problem)
        return None
    try:
        content = load_with_lines(normalise_text(text))
    except YamlSyntaxError as error:
        problems.append(Problem(display, error.line, "yaml", f"syntax error: {error}"))
        return None
    if not isinstance(content, Mapping):
        problems.append(Problem(display, 1, "yaml", "the file must hold a mapping of fields"))
        return None
    return content


def _display(root: Path, path: Path) -> str:
    """Path as a person types it: relative to the project root, with `/`."""
    return path.relative_to(root).as_posix()

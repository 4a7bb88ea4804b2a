"""Stage 1, ingest: read article texts, article metadata and annotation files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from jrr.flows.caching import content_digest
from jrr.flows.problems import Problem
from jrr.flows.raw_files import ANNOTATIONS_DIR, ARTICLES_DIR, RawFiles, read_raw_files
from jrr.flows.yaml_lines import Mapping, YamlSyntaxError, load_with_lines

# C0 and C1 control characters and DEL, except tab and newline (CR is gone after normalising).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
        return texts_of(self.articles)


def texts_of(articles: dict[str, Article]) -> dict[str, str]:
    """Normalised text of each article, by id."""
    return {article_id: article.text for article_id, article in articles.items()}


def read_inputs(root: Path) -> Inputs:
    """Read raw/articles and raw/annotations under `root`, each file once."""
    raw = read_raw_files(root)
    problems = list(raw.problems)
    articles = {}
    for text_path in raw.in_folder(ARTICLES_DIR, ".txt"):
        article = _read_article(raw, text_path, problems)
        if article is not None:
            articles[article.article_id] = article
    annotations = []
    for path in raw.in_folder(ANNOTATIONS_DIR, ".yaml"):
        content = _read_yaml_mapping(raw.data[path], path, problems)
        if content is not None:
            annotations.append(AnnotationFile(path, content))
    problems.extend(_metadata_without_text(raw))
    # The cache key of every later stage: the bytes read, and what could not be read.
    reported = "\n".join(str(problem) for problem in sorted(set(problems))).encode()
    digest = content_digest({**raw.data, "\0problems": reported})
    return Inputs(articles, annotations, problems, digest)


def _metadata_without_text(raw: RawFiles) -> list[Problem]:
    """A problem for every article metadata file that has no text beside it."""
    return [
        Problem(path, 1, "file", f"metadata without text: add {path.removesuffix('.yaml')}.txt")
        for path in raw.in_folder(ARTICLES_DIR, ".yaml")
        if path.removesuffix(".yaml") + ".txt" not in raw.present
    ]


def normalise_text(text: str) -> str:
    """The one normalisation of article text (and of YAML before it is parsed).

    A leading byte order mark (U+FEFF) is dropped, CRLF and lone CR line endings become LF,
    and the result is in Unicode NFC. Every offset, `n_chars` and `text_sha256` refers to the
    text after this, so inputs that differ only in these respects give identical releases.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def control_character_problem(text: str, display_path: str) -> Problem | None:
    """A problem naming the first control character other than newline and tab, if any."""
    match = _CONTROL.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    count = len(_CONTROL.findall(text))
    more = f" ({count} in the file)" if count > 1 else ""
    message = (
        f"control character U+{ord(match.group()):04X} is not allowed in article text{more}: "
        "only newline and tab are; remove it"
    )
    return Problem(display_path, line, "text", message)


def decode_utf8(data: bytes, display_path: str) -> tuple[str | None, Problem | None]:
    """Decode strict UTF-8, or name the line of the first bad byte."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        return None, Problem(display_path, line, "text", message)


def _read_article(raw: RawFiles, display: str, problems: list[Problem]) -> Article | None:
    """One article's normalised text and its metadata file."""
    text, problem = decode_utf8(raw.data[display], display)
    if text is not None:
        text = normalise_text(text)
        problem = control_character_problem(text, display)
    if problem:
        problems.append(problem)
    metadata_path = display.removesuffix(".txt") + ".yaml"
    if metadata_path not in raw.present:
        problems.append(Problem(display, 1, "metadata", f"missing {metadata_path}"))
        return None
    if metadata_path not in raw.data:  # present but not read: its problem is reported
        return None
    metadata = _read_yaml_mapping(raw.data[metadata_path], metadata_path, problems)
    if text is None or problem or metadata is None:
        return None
    article_id = Path(display).stem
    return Article(article_id, text, metadata, display, metadata_path)


def _read_yaml_mapping(data: bytes, display: str, problems: list[Problem]) -> Mapping | None:
    """Parse a YAML file whose top level must be a mapping."""
    text, problem = decode_utf8(data, display)
    if problem:
        problems.append(problem)
        return None
    try:
        content = load_with_lines(normalise_text(text or ""))
    except YamlSyntaxError as error:
        problems.append(Problem(display, error.line, "yaml", f"syntax error: {error}"))
        return None
    if not isinstance(content, Mapping):
        problems.append(Problem(display, 1, "yaml", "the file must hold a mapping of fields"))
        return None
    return content

"""The online stakeholder survey for double materiality (service layer; pages to follow).

A manager (``assess.manage``) creates a survey for a year's stakeholder groups
and gets links: per respondent (one response each) or one per group (each
visit starts a respondent link of its own). Tokens come from :mod:`secrets`;
only their SHA-256 is stored. Respondents need no account: the token is their
authority. Answers are saved as they go (a draft per respondent link); on
submission they become ``year``'s survey responses under a fresh random
respondent id, so ``materiality run`` scores them and nothing ties them to the
link. No address or browser data is stored. Posts per link are rate-limited.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from esgledger.assess.topics import Topic
from esgledger.errors import (
    ConflictError,
    NotFoundError,
    Problem,
    RateLimited,
    ValidationError,
)
from esgledger.services.authz import authorize
from esgledger.services.context import Context
from esgledger.store import assessments
from esgledger.store import surveys as repo
from esgledger.store.surveys import GroupRate, LinkRow, SurveyRow

__all__ = [
    "CreatedSurvey",
    "GroupRate",
    "Questionnaire",
    "create_survey",
    "list_surveys",
    "open_link",
    "save_answers",
    "submit_answers",
    "survey_rates",
    "survey_topics",
]

POST_WINDOW = timedelta(minutes=10)
POST_LIMIT = 200  # answer saves and submissions per respondent link per window
START_LIMIT = 100  # respondents started from one group link per window
MAX_LINKS = 500


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CreatedSurvey:
    id: int
    #: (group code, kind, token): shown once, never stored
    links: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Questionnaire:
    token: str
    survey: SurveyRow
    group_code: str
    topics: tuple[Topic, ...]
    draft: Mapping[str, tuple[int | None, int | None]]
    submitted: bool


def create_survey(
    ctx: Context,
    year: int,
    title: str,
    expires_on: date,
    respondents: Mapping[str, int],
    shared: Sequence[str] = (),
) -> CreatedSurvey:
    """A survey of ``year`` with ``respondents[group]`` personal links and a shared link per
    group in ``shared`` (``assess.manage``)."""
    authorize(ctx, "assess.manage")
    groups = {g.code for g in assessments.load_groups(ctx.ledger, year)}
    problems: list[Problem] = []
    if not groups:
        problems.append(
            Problem("form", None, None, str(year), "a year with stakeholder groups", "year")
        )
    for g, n in respondents.items():
        if g not in groups:
            problems.append(Problem("form", None, None, g, "a stakeholder group of the year", g))
        elif not 0 <= n <= MAX_LINKS:
            problems.append(Problem("form", None, None, str(n), f"0 to {MAX_LINKS}", f"n:{g}"))
    for g in shared:
        if g not in groups:
            problems.append(Problem("form", None, None, g, "a stakeholder group of the year", g))
    if not title.strip() or len(title) > 300:
        problems.append(Problem("form", None, None, title, "a title of 1-300 characters", "title"))
    if expires_on <= ctx.now().date():
        problems.append(Problem("form", None, None, str(expires_on), "a future date", "expires"))
    if not problems and not (sum(respondents.values()) or shared):
        problems.append(Problem("form", None, None, "0", "at least one link", "n"))
    if problems:
        raise ValidationError(problems, what="survey")
    links: list[tuple[str, str, str]] = []
    for g in sorted(set(shared)):
        links.append((g, "group", secrets.token_urlsafe(24)))
    for g, n in respondents.items():
        links += [(g, "respondent", secrets.token_urlsafe(24)) for _ in range(n)]
    expires = datetime.combine(expires_on, time(23, 59, 59), tzinfo=UTC)
    sid = repo.create_survey(
        ctx.ledger,
        year=year,
        title=title.strip(),
        expires_at=expires,
        links=[(_hash(tok), g, k) for g, k, tok in links],
        actor=ctx.actor,
        now=ctx.now(),
    )
    return CreatedSurvey(sid, tuple(links))


def list_surveys(ctx: Context) -> list[SurveyRow]:
    authorize(ctx, "assess.manage")
    return repo.list_surveys(ctx.ledger)


def survey_rates(ctx: Context, survey_id: int) -> tuple[SurveyRow, list[GroupRate]]:
    """Response rate per stakeholder group (``assess.manage``)."""
    authorize(ctx, "assess.manage")
    survey = repo.get_survey(ctx.ledger, survey_id)
    if survey is None:
        raise NotFoundError(f"no survey {survey_id}")
    groups = [g.code for g in assessments.load_groups(ctx.ledger, survey.year)]
    return survey, repo.rates(ctx.ledger, survey_id, groups)


def _link(ctx: Context, token: str) -> LinkRow:
    link = repo.find_link(ctx.ledger, _hash(token)) if 16 <= len(token) <= 64 else None
    if link is None or link.survey.expires_at < ctx.now():
        raise NotFoundError("this survey link is unknown or has expired")
    return link


def _limit(ctx: Context, token_hash: str, limit: int) -> None:
    ok = repo.count_post(ctx.ledger, token_hash, now=ctx.now(), window=POST_WINDOW, limit=limit)
    if not ok:
        raise RateLimited("too many answers from this link in a short time; wait a few minutes")


def open_link(ctx: Context, token: str) -> Questionnaire:
    """The questionnaire behind a link (the token authorises); a group link starts a
    respondent link of its own (its token is in the answer)."""
    link = _link(ctx, token)
    if link.kind == "group":
        _limit(ctx, link.token_hash, START_LIMIT)
        token = secrets.token_urlsafe(24)
        repo.add_link(
            ctx.ledger,
            survey_id=link.survey.id,
            token_hash=_hash(token),
            group_code=link.group_code,
            parent=link.token_hash,
            now=ctx.now(),
        )
        link = _link(ctx, token)
    else:
        repo.mark_opened(ctx.ledger, link.token_hash, ctx.now())
    return Questionnaire(
        token,
        link.survey,
        link.group_code,
        tuple(assessments.load_topics(ctx.ledger)),
        repo.load_draft(ctx.ledger, link.token_hash),
        link.submitted_at is not None,
    )


def _score(text: str | int | None, field: str, problems: list[Problem]) -> int | None:
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        problems.append(Problem("form", None, None, str(text), "a whole number 1-5", field))
        return None
    return value


def _checked(
    ctx: Context, link: LinkRow, answers: Mapping[str, tuple[str | int | None, str | int | None]]
) -> dict[str, tuple[int | None, int | None]]:
    if link.submitted_at is not None:
        raise ConflictError("this questionnaire has already been answered; thank you")
    topics = {t.code for t in assessments.load_topics(ctx.ledger)}
    problems: list[Problem] = []
    out: dict[str, tuple[int | None, int | None]] = {}
    for topic, (impact, financial) in answers.items():
        if topic not in topics:
            problems.append(Problem("form", None, None, topic, "a topic of the survey", "topic"))
            continue
        out[topic] = (
            _score(impact, f"impact:{topic}", problems),
            _score(financial, f"financial:{topic}", problems),
        )
    if problems:
        raise ValidationError(problems, what="answers")
    return out


def save_answers(
    ctx: Context, token: str, answers: Mapping[str, tuple[str | int | None, str | int | None]]
) -> None:
    """Save some answers to the respondent's draft (the token authorises)."""
    link = _link(ctx, token)
    if link.kind != "respondent":
        raise NotFoundError("this survey link is unknown or has expired")
    _limit(ctx, link.token_hash, POST_LIMIT)
    repo.save_draft(ctx.ledger, link.token_hash, _checked(ctx, link, answers))


def submit_answers(
    ctx: Context, token: str, answers: Mapping[str, tuple[str | int | None, str | int | None]]
) -> None:
    """Save ``answers`` and submit the questionnaire; every topic needs both scores."""
    save_answers(ctx, token, answers)
    link = _link(ctx, token)
    draft = repo.load_draft(ctx.ledger, link.token_hash)
    problems: list[Problem] = []
    complete: dict[str, tuple[int, int]] = {}
    for t in assessments.load_topics(ctx.ledger):
        i, f = draft.get(t.code, (None, None))
        if i is None:
            problems.append(Problem("form", None, None, "", "a score 1-5", f"impact:{t.code}"))
        if f is None:
            problems.append(Problem("form", None, None, "", "a score 1-5", f"financial:{t.code}"))
        if i is not None and f is not None:
            complete[t.code] = (i, f)
    if problems:
        raise ValidationError(problems, what="questionnaire")
    done = repo.submit(
        ctx.ledger,
        link.token_hash,
        year=link.survey.year,
        survey_id=link.survey.id,
        respondent=f"web-{secrets.token_hex(8)}",
        group_code=link.group_code,
        answers=complete,
        now=ctx.now(),
    )
    if not done:
        raise ConflictError("this questionnaire has already been answered; thank you")


def survey_topics(ctx: Context) -> list[str]:
    """The topic codes a questionnaire asks about (public: the survey's own questions)."""
    return [t.code for t in assessments.load_topics(ctx.ledger)]

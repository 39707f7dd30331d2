"""Demo library, playbook, club proposal, journals and stories for
`manage.py seed_demo`. Idempotent: a second run changes nothing.

Resources are found by title and the playbook by name; the proposal is written
only for a member with none; journal rows only for a member with no journal
person yet; stories and their reactions only for a demo member with no stories.
Journal owners are opted in to the anonymous totals when their journal is
written, so the impact page shows a journal figure (groups of five or more)."""

from datetime import timedelta

from django.utils import timezone

from clubs.models import Club, ClubMembership, ClubProposal, Playbook
from clubs.services import playbook_from_club, proposal_submit
from trainings.models import Resource

from .journal import entry_save, person_create, story_decide, story_react, story_share
from .models import JournalPerson, Story, User

PLAYBOOK_NAME = "Berlin format"
EXTRA_MEMBER_EMAIL = "approved@demo.mosty.test"

# (title, kind, language, summary, body)
RESOURCES = [
    (
        "Listening first",
        Resource.Kind.ARTICLE,
        "en",
        "Why a difficult conversation should start with listening, and how to do it.",
        "When someone close to us repeats something we disagree with, the urge is "
        "to correct them at once. An argument in the first minutes usually ends "
        "with both sides defending themselves and no longer hearing each other.\n\n"
        "Try spending the first ten minutes only listening. Ask clarifying "
        "questions and say back in your own words what you heard: “Do I "
        "understand right that what worries you most is…?” This is not agreeing. "
        "It shows that the person matters more to you than winning.\n\n"
        "Notice the feelings behind the words: fear, tiredness, hurt. They are "
        "often what is worth talking about. People who feel heard are more "
        "willing to listen in turn.",
    ),
    (
        "Сначала слушать",
        Resource.Kind.ARTICLE,
        "ru",
        "Почему трудный разговор стоит начинать с того, чтобы выслушать, "
        "и как это делать на практике.",
        "Когда близкий человек повторяет то, с чем мы не согласны, хочется сразу "
        "возразить. Но спор в первые же минуты почти всегда заканчивается тем, что "
        "обе стороны защищаются и перестают слышать друг друга.\n\n"
        "Попробуйте первые десять минут только слушать. Задавайте уточняющие "
        "вопросы и пересказывайте своими словами то, что услышали: «Правильно ли "
        "я понимаю, что тебя больше всего тревожит…?» Это не значит соглашаться. "
        "Так вы показываете, что вам важен человек, а не победа в споре.\n\n"
        "Обращайте внимание на чувства за словами: страх, усталость, обиду. "
        "Часто говорить стоит именно о них. Когда человек чувствует, что его "
        "услышали, он охотнее слушает в ответ.",
    ),
    (
        "Questions instead of arguments",
        Resource.Kind.ARTICLE,
        "en",
        "Open questions help a person look at their own views; arguments make "
        "them defend those views.",
        "Arguments invite counter-arguments; a good question invites thought. "
        "Instead of “That is propaganda”, try “Where did you hear that?” or "
        "“What would make you see it differently?”\n\n"
        "Prefer open questions that cannot be answered with yes or no: “How do "
        "you see it?”, “What worries you most about this?”, “How do you think "
        "people there live now?”\n\n"
        "Ask out of real curiosity, not as a trap. If an answer surprises you, "
        "ask more rather than correcting. One honest question per conversation "
        "is often enough: you can come back to it next time.",
    ),
    (
        "Before a difficult call",
        Resource.Kind.CHECKLIST,
        "en",
        "A short list to go through before you call someone you disagree with.",
        "- I know why I am calling: to stay close, not to win.\n"
        "- I have picked one topic, not five.\n"
        "- I have a question ready to start with.\n"
        "- I am rested and have time; I will not call in a hurry.\n"
        "- I know how I will pause if it gets heated: “Let's come back to this "
        "another time.”\n"
        "- After the call I will write down what worked and what did not.",
    ),
    (
        "Перед трудным звонком",
        Resource.Kind.CHECKLIST,
        "ru",
        "Короткий список, который стоит пройти перед звонком человеку, "
        "с которым вы не согласны.",
        "— Я понимаю, зачем звоню: чтобы сохранить близость, а не чтобы победить "
        "в споре.\n"
        "— Я выбрал(а) одну тему, а не пять.\n"
        "— У меня есть вопрос, с которого можно начать.\n"
        "— Я отдохнул(а) и никуда не тороплюсь.\n"
        "— Я знаю, как взять паузу, если разговор накалится: «Давай вернёмся "
        "к этому в другой раз».\n"
        "— После разговора я запишу, что получилось, а что нет.",
    ),
    (
        "First meeting: introductions and expectations",
        Resource.Kind.SESSION_PLAN,
        "en",
        "A two-hour plan for a new club's first evening: getting to know each "
        "other, agreeing on rules and sharing what people hope for.",
        "Introductions (25 minutes). Everyone says the name they want to be "
        "called and whom they would like to talk with more often. Nobody has to "
        "share more than they want.\n\n"
        "Agreements (20 minutes). Agree together on a few rules: what is said "
        "in the room stays in the room; we speak for ourselves; anyone may pass. "
        "Write them down and bring them to the next meetings.\n\n"
        "Expectations in pairs (45 minutes, then a 10-minute break). In pairs, "
        "people tell each other about one recent conversation that was hard and "
        "what they would like to be different. Each pair shares one thought with "
        "the group.\n\n"
        "Closing (20 minutes). One word each about how the evening felt. "
        "Announce the next meeting and its topic: practising questions.",
    ),
    (
        "Second meeting: practising questions",
        Resource.Kind.SESSION_PLAN,
        "en",
        "Practice in threes: one person asks, one answers in the role of a "
        "relative, one observes.",
        "Warm-up (15 minutes). Each person recalls a question that once made "
        "them think, and why it worked.\n\n"
        "Short input (15 minutes). The host shows the difference between closed "
        "and open questions, and between a question and an argument in disguise: "
        "“Don't you see it's a lie?” against “Where do you get your news now?”\n\n"
        "Practice in threes (60 minutes). One person asks, one answers in the "
        "role of a relative, one observes and notes which questions opened the "
        "conversation. Swap roles every 20 minutes.\n\n"
        "Round-up (30 minutes). What was easy, what was hard, and one question "
        "each person will try this week.",
    ),
]
SESSION_PLANS = [title for title, kind, *_ in RESOURCES if kind == "session_plan"]

MEETING_FORMAT = (
    "Weekly two-hour evenings for up to twelve people: a short round of news, "
    "practice in pairs or threes, and a closing round. The first two meetings "
    "follow the plans below."
)
PROPOSAL = {
    "city": "Aktau",
    "country": "Kazakhstan",
    "timezone": "Asia/Aqtau",
    "languages": ["ru", "kk"],
    "motivation": (
        "A few of us moved to Aktau and want to learn to talk calmly with our "
        "families. The nearest club is far away; we could meet weekly in a "
        "café or online."
    ),
}

# Journals: user key -> [(label, relationship, conversations)], a conversation
# being (days ago, channel, topics, approaches, before, after, feeling, notes).
# Stances change gradually; most relationships improve, one does not, one
# slips back, so the anonymous share is a realistic figure.
JOURNALS = {
    "member": [
        (
            "mother",
            "parent",
            [
                (
                    96,
                    "call",
                    ["war", "propaganda"],
                    ["listening"],
                    2,
                    2,
                    2,
                    "Mostly listened. She repeated the news; I did not argue.",
                ),
                (
                    68,
                    "call",
                    ["family", "emigration"],
                    ["questions", "personal_story"],
                    2,
                    2,
                    3,
                    "Asked what worries her most. Told her why I left.",
                ),
                (
                    37,
                    "call",
                    ["economy", "war"],
                    ["questions", "shared_values"],
                    2,
                    3,
                    3,
                    "She asked about prices here herself. We both want the "
                    "family safe.",
                ),
                (
                    9,
                    "call",
                    ["war", "mobilisation"],
                    ["personal_story", "pause"],
                    3,
                    3,
                    4,
                    "Calmer. She said she no longer trusts everything on TV.",
                ),
            ],
        ),
        (
            "old friend",
            "friend",
            [
                (
                    84,
                    "messenger",
                    ["propaganda"],
                    ["facts"],
                    1,
                    1,
                    1,
                    "Sent an article; it went badly. Starting with facts was a "
                    "mistake.",
                ),
                (
                    50,
                    "call",
                    ["other", "war"],
                    ["listening", "humour"],
                    1,
                    2,
                    3,
                    "Remembered school years first, then talked. Listened more.",
                ),
                (
                    16,
                    "call",
                    ["mobilisation"],
                    ["questions"],
                    2,
                    2,
                    3,
                    "He asked how life is for me abroad. Short but friendly.",
                ),
            ],
        ),
    ],
    "extra": [
        (
            "sister",
            "sibling",
            [
                (
                    90,
                    "messenger",
                    ["emigration"],
                    ["personal_story"],
                    3,
                    3,
                    3,
                    "Told her about my first months abroad.",
                ),
                (
                    55,
                    "call",
                    ["war"],
                    ["questions"],
                    3,
                    4,
                    4,
                    "She asked good questions back.",
                ),
                (
                    20,
                    "in_person",
                    ["family"],
                    ["shared_values"],
                    4,
                    4,
                    5,
                    "Long walk together; no quarrel at all.",
                ),
            ],
        ),
    ],
    "organizer": [
        (
            "former colleague",
            "colleague",
            [
                (
                    88,
                    "messenger",
                    ["economy"],
                    ["questions"],
                    2,
                    2,
                    3,
                    "Talked about work and prices.",
                ),
                (
                    47,
                    "call",
                    ["war"],
                    ["listening"],
                    2,
                    2,
                    2,
                    "He changed the subject twice.",
                ),
                (
                    12,
                    "call",
                    ["propaganda"],
                    ["pause"],
                    2,
                    2,
                    3,
                    "Agreed to leave politics for next time.",
                ),
            ],
        ),
    ],
    "trainer": [
        (
            "partner's father",
            "partner_relative",
            [
                (
                    99,
                    "in_person",
                    ["war"],
                    ["listening"],
                    1,
                    1,
                    2,
                    "Family dinner. I listened and kept calm.",
                ),
                (
                    60,
                    "call",
                    ["mobilisation", "family"],
                    ["questions"],
                    1,
                    2,
                    3,
                    "Asked what he fears for his grandson.",
                ),
                (
                    25,
                    "call",
                    ["family"],
                    ["shared_values"],
                    2,
                    2,
                    3,
                    "We agreed that the family comes first.",
                ),
            ],
        ),
    ],
    "vetter": [
        (
            "neighbour",
            "other",
            [
                (
                    80,
                    "messenger",
                    ["economy"],
                    ["humour"],
                    3,
                    3,
                    3,
                    "Light talk about prices.",
                ),
                (45, "call", ["war"], ["facts"], 3, 3, 2, "Facts made it tense."),
                (
                    14,
                    "call",
                    ["propaganda"],
                    ["listening"],
                    3,
                    2,
                    2,
                    "Hard call. Next time: questions, not facts.",
                ),
            ],
        ),
    ],
    "admin": [
        (
            "cousin",
            "other",
            [
                (
                    93,
                    "messenger",
                    ["war"],
                    ["questions"],
                    2,
                    2,
                    3,
                    "First message in a year. Asked how he is.",
                ),
                (
                    58,
                    "call",
                    ["emigration"],
                    ["personal_story"],
                    2,
                    3,
                    3,
                    "Told him why I left; he listened.",
                ),
                (
                    22,
                    "call",
                    ["war", "mobilisation"],
                    ["questions", "pause"],
                    3,
                    3,
                    4,
                    "He asked what I would do in his place.",
                ),
            ],
        ),
    ],
}

MEMBER_STORY = (
    "Three months with my mother",
    "For years our calls ended in quarrels. Three months ago I decided to change "
    "one thing: in every call I would listen and ask first, and keep my own "
    "opinion for later.\n\n"
    "The first calls were hard. She repeated the news, and I only asked where "
    "she had heard it and what worried her. Gradually she began asking me "
    "questions too: about prices here, about why I left.\n\n"
    "Last week she said she no longer believes everything on television. That is "
    "not agreement, but we can talk now, and neither of us ends the call upset.",
)
OTHER_STORY = (
    "I stopped sending links",
    "For a long time I sent an old friend articles and videos. He stopped "
    "replying. After the club evening on questions I tried something else: I "
    "called, asked how he was, and we talked about our school years first.\n\n"
    "The war came up on its own. I asked what he thought would happen to people "
    "we both know, and I listened. It was our first conversation in a year that "
    "did not end in silence.",
)
PENDING_STORY = (
    "Pauses are allowed",
    "My father changes the subject whenever the war comes up. I used to push. "
    "Now I say “Let's come back to this next time”, and we do. The call after "
    "a pause is always easier than the one I forced.",
)


def _resources(trainer: User) -> int:
    created = 0
    for title, kind, language, summary, body in RESOURCES:
        if not Resource.objects.filter(title=title).exists():
            Resource.objects.create(
                title=title,
                kind=kind,
                language=language,
                summary=summary,
                body=body,
                author=trainer,
                published=True,
            )
            created += 1
    return created


def _playbook(admin: User) -> int:
    """The Berlin club's format as a playbook. The club itself is not changed."""
    if Playbook.objects.filter(name=PLAYBOOK_NAME).exists():
        return 0
    club = Club.objects.filter(slug="berlin").first()
    if club is None:
        return 0
    plans = [
        Resource.objects.filter(title=title).order_by("pk").first()
        for title in SESSION_PLANS
    ]
    playbook_from_club(
        club=club,
        actor=admin,
        name=PLAYBOOK_NAME,
        meeting_format=MEETING_FORMAT,
        resources=[plan for plan in plans if plan is not None],
    )
    return 1


def _proposal(member: User) -> int:
    if ClubProposal.objects.filter(proposer=member).exists():
        return 0
    playbook = Playbook.objects.filter(name=PLAYBOOK_NAME).order_by("pk").first()
    proposal_submit(proposer=member, data={**PROPOSAL, "playbook": playbook})
    return 1


def _journal(owner: User, people: list) -> int:
    """One owner's journal, written only if they have none; opts them in."""
    if JournalPerson.objects.filter(owner=owner).exists():
        return 0
    today = timezone.localdate()
    created = 0
    for label, relationship, talks in people:
        person = person_create(owner=owner, label=label, relationship=relationship)
        created += 1
        for ago, channel, topics, approaches, before, after, feeling, notes in talks:
            entry_save(
                person=person,
                owner=owner,
                data={
                    "date": today - timedelta(days=ago),
                    "channel": channel,
                    "topics": topics,
                    "approaches": approaches,
                    "stance_before": before,
                    "stance_after": after,
                    "feeling": feeling,
                    "notes": notes,
                },
            )
            created += 1
    User.objects.filter(pk=owner.pk).update(journal_in_aggregates=True)
    owner.journal_in_aggregates = True
    return created


def _journal_owners(users: dict) -> dict:
    owners = {key: users[key] for key in JOURNALS if key in users}
    extra = User.objects.filter(
        email=EXTRA_MEMBER_EMAIL, status=User.Status.MEMBER
    ).first()
    if extra is not None:
        owners["extra"] = extra
    return owners


def _other_berlin_author(club: Club, users: dict) -> User:
    """Another active Berlin member to write the all-members story: the extra
    demo member if possible, else any, else the organizer."""
    skip = [users["member"].pk, users["organizer"].pk]
    active = (
        ClubMembership.objects.filter(club=club, status=ClubMembership.Status.ACTIVE)
        .exclude(user_id__in=skip)
        .select_related("user")
        .order_by("pk")
    )
    others = [membership.user for membership in active]
    for other in others:
        if other.email == EXTRA_MEMBER_EMAIL:
            return other
    return others[0] if others else users["organizer"]


def _stories(users: dict) -> int:
    member, organizer = users["member"], users["organizer"]
    if Story.objects.filter(author=member).exists():
        return 0
    club = Club.objects.filter(slug="berlin").first()
    if club is None:
        return 0
    other = _other_berlin_author(club, users)
    title, body = MEMBER_STORY
    mine = story_share(
        author=member,
        title=title,
        body=body,
        audience=Story.Audience.CLUB,
        club=club,
        anonymous=False,
    )
    title, body = OTHER_STORY
    theirs = story_share(
        author=other,
        title=title,
        body=body,
        audience=Story.Audience.ALL,
        club=club,
        anonymous=True,
    )
    for story in (mine, theirs):
        story_decide(story=story, actor=organizer, approve=True)
    title, body = PENDING_STORY
    story_share(
        author=member,
        title=title,
        body=body,
        audience=Story.Audience.CLUB,
        club=club,
        anonymous=True,
    )
    created = 3
    for story, reader in ((mine, organizer), (mine, other), (theirs, member)):
        if reader.pk != story.author_id:
            created += story_react(story=story, member=reader)
    return created


def seed_impact(*, users: dict) -> int:
    """Library, playbook, proposal, journals and stories for the demo.
    Returns how many rows were created."""
    created = _resources(users["trainer"])
    created += _playbook(users["admin"])
    created += _proposal(users["member"])
    for key, owner in _journal_owners(users).items():
        created += _journal(owner, JOURNALS[key])
    created += _stories(users)
    return created

"""Who may open which URL: the expectation table of the access matrix.

Every URL pattern the resolver knows must have an entry here, keyed by its
URL name ("app:name"; "route:<route>" for the few unnamed admin patterns).
``tests/safety/test_access_matrix.py`` enumerates the patterns at test time:
a new URL without an entry fails the build until one is written here.

An entry says, for every role, what a GET and a POST (empty body) must give:

    ok      2xx, the page or file
    done    a redirect to an ordinary page (the action ran, or "go there")
    login   redirect to sign in             reauth  redirect to confirm the password
    apply   an applicant is sent to their application
    mfa     staff without two-factor authentication are sent to enrol
    404 / 405 / 403 / 400

PUT, PATCH and DELETE are derived, not listed: where GET is refused they must
be refused too; nowhere a 500.

``kwargs`` / ``query`` name objects of the world in tests/safety/world.py:
"event" is its pk, "club.slug" an attribute, "@member" the pk of the user
playing that role, "=text" a literal. ``foreign`` replaces them with another
club's or another member's object: every role must then get a refusal (no
data), except the roles in ``foreign_ok`` (admins see every club). A URL that
names an object but has no foreign counterpart says why in ``no_foreign``.
"""

from dataclasses import dataclass, field

from .matrix import APPLY, DONE, LOGIN, MFA, OK, REAUTH
from .world import ROLES

__all__ = ["EXPECTATIONS", "Expect", "MFA"]


def R(default: str, **overrides: str) -> dict[str, str]:
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {role: overrides.get(role, default) for role in ROLES}


def staff(*holders: str, default="404", ok=OK, **overrides: str) -> dict[str, str]:
    """members.access.role_required: holders of the role (and admins) get in;
    every other signed-in user gets 404; the anonymous are asked to sign in."""
    values = dict.fromkeys(holders, ok)
    values.update(admin=ok, anonymous=LOGIN)
    values.update(overrides)
    return R(default, **values)


EVERYONE = R(OK)
EVERYONE_405 = R("405")
SIGNED_IN = R(OK, anonymous=LOGIN)
SIGNED_IN_405 = R("405", anonymous=LOGIN)
MEMBERS = R(OK, anonymous=LOGIN, applicant=APPLY)
MEMBERS_405 = R("405", anonymous=LOGIN, applicant=APPLY)
MEMBERS_DONE = R(DONE, anonymous=LOGIN, applicant=APPLY)
ANONYMOUS_ONLY = R(DONE, anonymous=OK)  # allauth sends signed-in users home
# The Django admin: staff (our admin) only; everyone else is sent to sign in
# (anonymous) or refused (signed in, not staff), see allauth secure_admin_login.
ADMIN_SITE = R(LOGIN, admin=OK)


@dataclass(frozen=True)
class Expect:
    get: dict
    post: dict
    kwargs: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    foreign: dict = field(default_factory=dict)
    foreign_ok: tuple = ()
    no_foreign: str = ""
    path: str = ""  # for unnamed patterns: the path, formatted with kwargs
    # Roles that reach the page through a staff role (so only with MFA). None:
    # the staff roles let in where neither plain member is.
    staff: tuple | None = None

    def staff_roles(self, method="GET") -> tuple:
        outcomes = getattr(self, method.lower())
        if self.staff is not None:
            return tuple(r for r in self.staff if outcomes[r] in (OK, DONE))
        if {outcomes["member"], outcomes["other_member"]} & {OK, DONE}:
            return ()
        return tuple(r for r in STAFF_ROLES if outcomes[r] in (OK, DONE))


STAFF_ROLES = ("organizer", "other_organizer", "trainer", "vetter", "admin")
CLUB_ADMIN = ("admin",)  # admins act for every club


def admin_model(app, model, *, missing=False, add=OK, change_post=OK):
    """The six URLs Django's admin defines per registered model. ``missing``:
    no row exists to open (the admin redirects to its index with a message)."""
    prefix = f"admin:{app}_{model}"
    obj = {"object_id": "=999999"} if missing else {"object_id": f"admin_{app}_{model}"}
    row = R(LOGIN, admin=DONE if missing else OK)
    why = "the Django admin: staff with MFA, every object"
    return {
        f"{prefix}_changelist": Expect(get=ADMIN_SITE, post=ADMIN_SITE),
        f"{prefix}_add": Expect(get=R(LOGIN, admin=add), post=R(LOGIN, admin=add)),
        f"{prefix}_history": Expect(kwargs=obj, no_foreign=why, get=row, post=row),
        f"{prefix}_delete": Expect(kwargs=obj, no_foreign=why, get=row, post=row),
        f"{prefix}_change": Expect(
            kwargs=obj,
            no_foreign=why,
            get=row,
            post=R(LOGIN, admin=DONE if missing else change_post),
        ),
        f"route:admin/{app}/{model}/<path:object_id>/": Expect(
            kwargs=obj,
            no_foreign=why,
            path=f"/admin/{app}/{model}/{{object_id}}/",
            get=R(LOGIN, admin=DONE),
            post=R(LOGIN, admin=DONE),
        ),
    }


EXPECTATIONS: dict[str, Expect] = {
    # --- core -------------------------------------------------------------------------
    "healthz": Expect(get=EVERYONE, post=EVERYONE_405),
    "core:home": Expect(get=EVERYONE, post=EVERYONE),
    "core:privacy": Expect(get=EVERYONE, post=EVERYONE),
    "core:language-set": Expect(get=EVERYONE_405, post=R(DONE)),
    "core:notification-list": Expect(get=SIGNED_IN, post=SIGNED_IN),
    # --- members: own account, application, vouching ----------------------------------
    "members:account": Expect(get=SIGNED_IN, post=SIGNED_IN),
    "members:account-export": Expect(get=SIGNED_IN_405, post=SIGNED_IN),
    "members:account-delete": Expect(
        get=R(REAUTH, anonymous=LOGIN), post=R(REAUTH, anonymous=LOGIN)
    ),
    "members:application": Expect(get=SIGNED_IN, post=SIGNED_IN),
    "members:vouch-list": Expect(
        get=R(OK, anonymous=LOGIN, applicant="404"),
        post=R(OK, anonymous=LOGIN, applicant="404"),
    ),
    "members:vouch-respond": Expect(
        kwargs={"pk": "vouch"},
        foreign={"pk": "other_vouch"},
        get=SIGNED_IN_405,
        post=R("404", anonymous=LOGIN, member=DONE),
    ),
    # --- members: vetting and administration ------------------------------------------
    "members:vetting-queue": Expect(get=staff("vetter"), post=staff("vetter")),
    "members:vetting-dossier": Expect(
        kwargs={"pk": "application"},
        no_foreign="vetters may open every application; no club or owner scope",
        get=staff("vetter"),
        post=staff("vetter"),
    ),
    "members:role-list": Expect(get=staff(), post=staff()),
    "members:role-revoke": Expect(
        kwargs={"pk": "role_assignment"},
        no_foreign="admins manage every role; no club or owner scope",
        get=staff(ok="405"),
        post=staff(ok=DONE),
    ),
    "members:audit-log": Expect(get=staff(), post=staff()),
    # --- members: the journal (its author's alone, admins included) -------------------
    "members:journal": Expect(get=MEMBERS, post=MEMBERS),
    "members:journal-person": Expect(
        kwargs={"pk": "journal_person"},
        foreign={"pk": "other_journal_person"},
        get=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
    ),
    "members:journal-person-delete": Expect(
        kwargs={"pk": "journal_person"},
        foreign={"pk": "other_journal_person"},
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=DONE),
    ),
    "members:journal-entry-edit": Expect(
        kwargs={"pk": "journal_entry"},
        foreign={"pk": "other_journal_entry"},
        get=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
    ),
    "members:journal-entry-delete": Expect(
        kwargs={"pk": "journal_entry"},
        foreign={"pk": "other_journal_entry"},
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=DONE),
    ),
    # --- members: shared stories ------------------------------------------------------
    "members:story-list": Expect(get=MEMBERS, post=MEMBERS),
    # Stories shared with a club are read (and reacted to) by its members only.
    "members:story-react": Expect(
        kwargs={"pk": "story"},
        foreign={"pk": "other_story"},
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=DONE, organizer=DONE),
    ),
    "members:story-decide": Expect(
        kwargs={"pk": "pending_story"},
        foreign={"pk": "other_pending_story"},
        foreign_ok=CLUB_ADMIN,
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, organizer=DONE, admin=DONE),
    ),
    # --- events -----------------------------------------------------------------------
    "events:event-detail": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=R(
            "404", anonymous=LOGIN, applicant=APPLY, member=OK, organizer=OK, admin=OK
        ),
        post=R(
            "404", anonymous=LOGIN, applicant=APPLY, member=OK, organizer=OK, admin=OK
        ),
    ),
    "events:event-register": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=MEMBERS_405,
        post=R(
            "404",
            anonymous=LOGIN,
            applicant=APPLY,
            member=DONE,
            organizer=DONE,
            admin=DONE,
        ),
    ),
    "events:event-ics": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=R(
            "404", anonymous=LOGIN, applicant=APPLY, member=OK, organizer=OK, admin=OK
        ),
        post=R(
            "404", anonymous=LOGIN, applicant=APPLY, member=OK, organizer=OK, admin=OK
        ),
    ),
    "events:event-edit": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "events:event-cancel": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer", "other_organizer", "trainer", ok="405"),
        post=staff("organizer", ok=DONE),
    ),
    "events:event-checkin": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer", ok=DONE),
    ),
    "events:event-summary": Expect(
        kwargs={"pk": "event"},
        foreign={"pk": "other_event"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer", "other_organizer", "trainer", ok="405"),
        post=staff("organizer", ok=DONE),
    ),
    "events:registration-cancel": Expect(
        kwargs={"pk": "registration"},
        foreign={"pk": "other_registration"},
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=DONE),
    ),
    "events:event-create": Expect(
        kwargs={"slug": "club.slug"},
        foreign={"slug": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "events:member-feed": Expect(
        kwargs={"token": "feed.token"},
        # A capability URL: the unguessable token is the secret (revocable).
        foreign={"token": "=not-a-token-of-anyone"},
        get=EVERYONE,
        post=EVERYONE,
    ),
    "events:calendar-settings": Expect(get=MEMBERS, post=MEMBERS_DONE),
    # --- clubs ------------------------------------------------------------------------
    "clubs:club-list": Expect(get=EVERYONE, post=EVERYONE),
    "clubs:club-create": Expect(get=staff(), post=staff()),
    "clubs:club-detail": Expect(
        kwargs={"slug": "club.slug"},
        no_foreign="public page of a club (no members, places or links)",
        get=EVERYONE,
        post=EVERYONE,
    ),
    "clubs:club-calendar": Expect(
        kwargs={"slug": "club.slug"},
        no_foreign="public feed of a club (times only)",
        get=EVERYONE,
        post=EVERYONE,
    ),
    "clubs:club-join": Expect(
        kwargs={"slug": "club.slug"},
        no_foreign="every member may ask to join any club",
        get=MEMBERS_405,
        post=MEMBERS_DONE,
    ),
    "clubs:club-leave": Expect(
        kwargs={"slug": "club.slug"},
        no_foreign="leaving a club one is not in changes nothing",
        get=MEMBERS_405,
        post=MEMBERS_DONE,
    ),
    "clubs:club-members": Expect(
        kwargs={"slug": "club.slug"},
        foreign={"slug": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "clubs:membership-decide": Expect(
        kwargs={"slug": "club.slug", "pk": "membership"},
        # Our club's address with another club's request: refused for everyone.
        foreign={"pk": "other_membership"},
        get=staff("organizer", "other_organizer", ok="405"),
        post=staff("organizer", ok=DONE),
    ),
    "clubs:organizer-add": Expect(
        kwargs={"slug": "club.slug"},
        foreign={"slug": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer", "other_organizer", ok="405"),
        post=staff("organizer", ok=DONE),
    ),
    "clubs:organizer-remove": Expect(
        kwargs={"slug": "club.slug", "user_id": "co_organizer"},
        foreign={"user_id": "@other_organizer"},
        get=staff("organizer", "other_organizer", ok="405"),
        post=staff("organizer", ok=DONE),
    ),
    "clubs:club-dashboard": Expect(
        kwargs={"slug": "club.slug"},
        foreign={"slug": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "clubs:club-health": Expect(
        kwargs={"slug": "club.slug"},
        foreign={"slug": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "clubs:playbook-create": Expect(
        kwargs={"slug": "club.slug"},
        no_foreign="admins only, for every club",
        get=staff(),
        post=staff(),
    ),
    "clubs:impact": Expect(
        query={"club": "club.slug"},
        foreign={"club": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "clubs:impact-csv": Expect(
        query={"club": "club.slug"},
        foreign={"club": "other_club.slug"},
        foreign_ok=CLUB_ADMIN,
        get=staff("organizer"),
        post=staff("organizer"),
    ),
    "clubs:proposal-create": Expect(get=MEMBERS, post=MEMBERS),
    "clubs:proposal-list": Expect(get=staff(), post=staff()),
    "clubs:proposal-decide": Expect(
        kwargs={"pk": "proposal"},
        no_foreign="admins decide every proposal",
        get=staff(ok="405"),
        post=staff(ok=DONE),
    ),
    # --- trainings --------------------------------------------------------------------
    "trainings:programme-list": Expect(get=MEMBERS, post=MEMBERS),
    "trainings:programme-create": Expect(get=staff("trainer"), post=staff("trainer")),
    "trainings:programme-detail": Expect(
        kwargs={"pk": "programme"},
        no_foreign="programmes are listed for every member",
        get=MEMBERS,
        post=MEMBERS,
    ),
    "trainings:programme-edit": Expect(
        kwargs={"pk": "programme"},
        foreign={"pk": "other_programme"},
        foreign_ok=CLUB_ADMIN,
        get=staff("trainer"),
        post=staff("trainer"),
    ),
    "trainings:programme-trainers": Expect(
        kwargs={"pk": "programme"},
        no_foreign="admins only, for every programme",
        get=staff(),
        post=staff(),
    ),
    "trainings:programme-apply": Expect(
        kwargs={"pk": "programme"},
        no_foreign="every member may apply to any programme",
        get=MEMBERS,
        post=MEMBERS,
    ),
    "trainings:session-create": Expect(
        kwargs={"pk": "programme"},
        foreign={"pk": "other_programme"},
        foreign_ok=CLUB_ADMIN,
        get=staff("trainer"),
        post=staff("trainer"),
    ),
    "trainings:application-list": Expect(
        kwargs={"pk": "programme"},
        foreign={"pk": "other_programme"},
        foreign_ok=CLUB_ADMIN,
        get=staff("trainer"),
        post=staff("trainer"),
    ),
    "trainings:trainee-list": Expect(
        kwargs={"pk": "programme"},
        foreign={"pk": "other_programme"},
        foreign_ok=CLUB_ADMIN,
        get=staff("trainer"),
        post=staff("trainer", ok=DONE),
    ),
    "trainings:application-detail": Expect(
        kwargs={"pk": "trainee"},
        foreign={"pk": "other_trainee"},
        foreign_ok=CLUB_ADMIN,
        get=staff("trainer"),
        post=staff("trainer"),
    ),
    "trainings:application-withdraw": Expect(
        kwargs={"pk": "trainee"},
        foreign={"pk": "other_trainee"},
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=DONE),
    ),
    # The trainee's own page; trainers read it as staff.
    "trainings:strategy": Expect(
        kwargs={"pk": "trainee"},
        staff=("trainer", "admin"),
        foreign={"pk": "other_trainee"},
        foreign_ok=CLUB_ADMIN,
        get=R("404", anonymous=LOGIN, applicant=APPLY, member=OK, trainer=OK, admin=OK),
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
    ),
    "trainings:strategy-comment": Expect(
        kwargs={"pk": "trainee"},
        foreign={"pk": "other_trainee"},
        foreign_ok=CLUB_ADMIN,
        get=MEMBERS_405,
        post=R("404", anonymous=LOGIN, applicant=APPLY, trainer=DONE, admin=DONE),
    ),
    "trainings:certificate": Expect(
        kwargs={"pk": "trainee"},
        foreign={"pk": "other_trainee"},
        get=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
    ),
    "trainings:checkin": Expect(
        kwargs={"pk": "checkin"},
        foreign={"pk": "other_checkin"},
        get=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
        post=R("404", anonymous=LOGIN, applicant=APPLY, member=OK),
    ),
    "trainings:resource-list": Expect(get=MEMBERS, post=MEMBERS),
    "trainings:resource-create": Expect(
        get=staff("trainer", "organizer", "other_organizer"),
        post=staff("trainer", "organizer", "other_organizer"),
    ),
    "trainings:resource-detail": Expect(
        kwargs={"pk": "resource"},
        no_foreign="the library is shared by all members",
        get=MEMBERS,
        post=MEMBERS,
    ),
    "trainings:resource-edit": Expect(
        kwargs={"pk": "resource"},
        no_foreign="the library is edited by every trainer and organizer",
        get=staff("trainer", "organizer", "other_organizer"),
        post=staff("trainer", "organizer", "other_organizer"),
    ),
    # --- allauth: accounts, two-factor authentication, sessions -----------------------
    "account_login": Expect(get=ANONYMOUS_ONLY, post=ANONYMOUS_ONLY),
    "account_logout": Expect(get=R(OK, anonymous=DONE), post=R(DONE)),
    "account_inactive": Expect(get=EVERYONE, post=EVERYONE_405),
    "account_signup": Expect(get=ANONYMOUS_ONLY, post=ANONYMOUS_ONLY),
    "account_reauthenticate": Expect(get=SIGNED_IN, post=SIGNED_IN),
    "account_email": Expect(get=SIGNED_IN, post=R(DONE, anonymous=LOGIN)),
    "account_email_verification_sent": Expect(get=EVERYONE, post=EVERYONE_405),
    "account_change_password": Expect(get=SIGNED_IN, post=SIGNED_IN),
    # Everyone here has a password: "set" sends them to "change".
    "account_set_password": Expect(
        get=R(DONE, anonymous=LOGIN), post=R(DONE, anonymous=LOGIN)
    ),
    "account_reset_password": Expect(get=EVERYONE, post=EVERYONE),
    # No login by code is pending: back to the start.
    "account_confirm_login_code": Expect(
        get=R(DONE, anonymous=LOGIN), post=R(DONE, anonymous=LOGIN)
    ),
    "account_confirm_email": Expect(
        kwargs={"key": "=not-a-valid-key"},
        no_foreign="the key is the secret; a wrong one shows 'invalid link'",
        get=EVERYONE,
        post=R("404"),
    ),
    "account_reset_password_from_key_done": Expect(get=EVERYONE, post=EVERYONE_405),
    "account_reset_password_from_key": Expect(
        kwargs={"uidb36": "=zz", "key": "=not-a-valid-key"},
        no_foreign="the key is the secret; a wrong one shows 'invalid link'",
        get=EVERYONE,
        post=EVERYONE,
    ),
    "account_reset_password_done": Expect(get=EVERYONE, post=EVERYONE_405),
    "account_request_login_code": Expect(get=ANONYMOUS_ONLY, post=ANONYMOUS_ONLY),
    "mfa_index": Expect(get=SIGNED_IN, post=SIGNED_IN_405),
    # No MFA stage is pending for a signed-in session.
    "mfa_authenticate": Expect(
        get=R(DONE, anonymous=LOGIN), post=R(DONE, anonymous=LOGIN)
    ),
    # Members without two-factor authentication confirm with their password.
    "mfa_reauthenticate": Expect(
        staff=(),
        get=R(
            OK, anonymous=LOGIN, applicant=REAUTH, member=REAUTH, other_member=REAUTH
        ),
        post=R(
            OK, anonymous=LOGIN, applicant=REAUTH, member=REAUTH, other_member=REAUTH
        ),
    ),
    "mfa_activate_totp": Expect(
        get=R(REAUTH, anonymous=LOGIN), post=R(REAUTH, anonymous=LOGIN)
    ),
    "mfa_deactivate_totp": Expect(
        get=R(
            REAUTH, anonymous=LOGIN, applicant="404", member="404", other_member="404"
        ),
        post=R(
            REAUTH, anonymous=LOGIN, applicant="404", member="404", other_member="404"
        ),
    ),
    "mfa_view_recovery_codes": Expect(
        get=R("404", anonymous=LOGIN), post=SIGNED_IN_405
    ),
    "mfa_generate_recovery_codes": Expect(
        get=R(REAUTH, anonymous=LOGIN), post=R(REAUTH, anonymous=LOGIN)
    ),
    "mfa_download_recovery_codes": Expect(
        get=R("404", anonymous=LOGIN), post=R("404", anonymous=LOGIN)
    ),
    "mfa_list_webauthn": Expect(get=SIGNED_IN, post=SIGNED_IN_405),
    "mfa_add_webauthn": Expect(
        get=R(REAUTH, anonymous=LOGIN), post=R(REAUTH, anonymous=LOGIN)
    ),
    "mfa_reauthenticate_webauthn": Expect(
        get=R(REAUTH, anonymous=LOGIN), post=R(REAUTH, anonymous=LOGIN)
    ),
    "mfa_remove_webauthn": Expect(
        kwargs={"pk": "=999999"},
        no_foreign="no security key exists; the reauthentication comes first",
        get=R(REAUTH, anonymous=LOGIN),
        post=R(REAUTH, anonymous=LOGIN),
    ),
    "mfa_edit_webauthn": Expect(
        kwargs={"pk": "=999999"},
        no_foreign="no security key exists; the reauthentication comes first",
        get=R(REAUTH, anonymous=LOGIN),
        post=R(REAUTH, anonymous=LOGIN),
    ),
    "usersessions_list": Expect(get=SIGNED_IN, post=R(DONE, anonymous=LOGIN)),
    # --- the Django admin: staff only (MFA enforced by core.admin_site) ---------------
    "admin:index": Expect(get=ADMIN_SITE, post=ADMIN_SITE),
    "admin:login": Expect(
        staff=(),  # signs in; the pages behind it are checked one by one
        get=R("403", anonymous=LOGIN, admin=DONE),
        post=R("403", anonymous=LOGIN, admin=OK),
    ),
    # Django sends everyone but staff from the admin's logout to its index.
    "admin:logout": Expect(get=R(DONE, admin="405"), post=R(DONE, admin=OK)),
    "admin:password_change": Expect(get=ADMIN_SITE, post=ADMIN_SITE),
    "admin:password_change_done": Expect(get=ADMIN_SITE, post=R(LOGIN, admin="405")),
    "admin:autocomplete": Expect(get=R(LOGIN, admin="403"), post=R(LOGIN, admin="405")),
    "admin:jsi18n": Expect(get=ADMIN_SITE, post=R(LOGIN, admin="405")),
    "admin:view_on_site": Expect(
        kwargs={"content_type_id": "=999999", "object_id": "=1"},
        no_foreign="admins only",
        get=R(LOGIN, admin="404"),
        post=R(LOGIN, admin="404"),
    ),
    "admin:app_list": Expect(
        kwargs={"app_label": "=members"},
        no_foreign="the Django admin: staff with MFA",
        get=ADMIN_SITE,
        post=ADMIN_SITE,
    ),
    "route:admin/(?P<url>.*)$": Expect(
        path="/admin/no-such-page/",
        get=R(LOGIN, admin="404"),
        post=R(LOGIN, admin="404"),
    ),
    **admin_model("auth", "group", missing=True),
    **admin_model("account", "emailaddress"),
    **admin_model("mfa", "authenticator"),
    **admin_model("usersessions", "usersession", missing=True),
    **admin_model("core", "notification", add="403", change_post=DONE),
    **admin_model("members", "user"),
    "admin:auth_user_password_change": Expect(
        kwargs={"id": "@member"},
        no_foreign="the Django admin: staff with MFA, every object",
        get=ADMIN_SITE,
        post=ADMIN_SITE,
    ),
}

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"

    def ready(self):
        from allauth.mfa import signals as mfa

        # notifications: imported for its registrations.
        from . import notifications, services  # noqa: F401

        # allauth offers signals only: a change of two-factor authentication
        # ends every other session of the account (as a password change does).
        def end_other_sessions(sender, request, user, **kwargs):
            session = getattr(request, "session", None)
            services.user_sessions_end_others(
                user=user, keep_session_key=getattr(session, "session_key", None)
            )

        for signal in (
            mfa.authenticator_added,
            mfa.authenticator_removed,
            mfa.authenticator_reset,
        ):
            signal.connect(end_other_sessions, dispatch_uid="members.mfa_sessions")

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"

    def ready(self):
        from allauth.mfa import signals as mfa

        # notifications: imported for its registrations.
        from . import notifications, selectors, services  # noqa: F401

        # allauth offers signals only: a change of two-factor authentication
        # ends every other session of the account (as a password change does).
        def end_other_sessions(sender, request, user, **kwargs):
            session = getattr(request, "session", None)
            services.user_sessions_end_others(
                user=user, keep_session_key=getattr(session, "session_key", None)
            )

        # The navigation's pending-vouch badge is cached per voucher
        # (selectors.pending_vouch_count): any change to a vouch or to the
        # status of the application behind it drops the vouchers' counts.
        from django.db.models.signals import post_delete, post_save

        from .models import Application, Vouch

        def vouch_changed(sender, instance, **kwargs):
            selectors.pending_vouch_count_forget(user_ids=[instance.voucher_id])

        def application_changed(sender, instance, **kwargs):
            selectors.pending_vouch_count_forget(
                user_ids=Vouch.objects.filter(application_id=instance.pk).values_list(
                    "voucher_id", flat=True
                )
            )

        for signal in (post_save, post_delete):
            signal.connect(
                vouch_changed, sender=Vouch, dispatch_uid="members.vouch_nav"
            )
        post_save.connect(
            application_changed, sender=Application, dispatch_uid="members.app_nav"
        )

        # The vetting queue's tab counts (selectors.vetting_queue_counts).
        def queue_changed(sender, instance, **kwargs):
            selectors.vetting_queue_counts_forget()

        for signal in (post_save, post_delete):
            signal.connect(
                queue_changed, sender=Application, dispatch_uid="members.queue_counts"
            )

        for signal in (
            mfa.authenticator_added,
            mfa.authenticator_removed,
            mfa.authenticator_reset,
        ):
            signal.connect(end_other_sessions, dispatch_uid="members.mfa_sessions")

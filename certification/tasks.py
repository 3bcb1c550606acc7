"""Celery tasks of certification: thin, idempotent wrappers over services."""

from celery import shared_task

from certification.services.certificates import certificates_expire_due


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def certificates_expire_task() -> int:
    """Record certificates past their date as expired. Tidying only: a certificate stops
    counting on its `expires_on` whether or not this ran. Safe to run twice."""
    return certificates_expire_due()

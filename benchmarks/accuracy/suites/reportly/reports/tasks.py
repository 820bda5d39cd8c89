from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .models import Report, ReportSection

SECTIONS = ("summary", "metrics", "appendix")


def render_body(report: Report, name: str) -> str:
    return f"{report.title} / {name} / generated {timezone.now():%Y-%m-%d %H:%M}"


@shared_task(bind=True, max_retries=3, default_retry_delay=5)
def build_report(self, report_id: int) -> str:
    report = Report.objects.get(pk=report_id)
    report.status = Report.Status.BUILDING
    report.save(update_fields=["status"])
    for name in SECTIONS:
        ReportSection.objects.update_or_create(
            report=report, name=name, defaults={"body": render_body(report, name)}
        )
    report.status = Report.Status.DONE
    report.save(update_fields=["status"])
    return report.status


@shared_task
def render_section(report_id: int, name: str) -> int:
    report = Report.objects.get(pk=report_id)
    section, _ = ReportSection.objects.update_or_create(
        report=report, name=name, defaults={"body": render_body(report, name)}
    )
    return section.pk


@shared_task
def assemble_sections(section_ids, report_id: int) -> dict:
    if isinstance(section_ids, int):
        section_ids = [section_ids]
    report = Report.objects.get(pk=report_id)
    count = ReportSection.objects.filter(report=report, pk__in=section_ids).count()
    report.status = Report.Status.DONE
    report.save(update_fields=["status"])
    return {"report": report.pk, "sections": count}


@shared_task
def publish_report(report_id: int) -> int:
    report = Report.objects.get(pk=report_id)
    report.published_at = timezone.now()
    report.save(update_fields=["published_at"])
    notify_subscribers.delay(report.pk)
    return report.pk


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True)
def notify_subscribers(report_id: int) -> int:
    report = Report.objects.select_related("owner").get(pk=report_id)
    recipients = [u.email for u in report.subscribers.all()] or [report.owner.email]
    send_mail(f"New report: {report.title}", "A new report is available.", None, recipients)
    return len(recipients)

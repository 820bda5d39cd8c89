import pytest
from celery import chord, group

from reports.models import ReportSection
from reports.tasks import SECTIONS, assemble_sections, render_section

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_live_worker"),
]


@pytest.mark.parametrize(
    "sections",
    [("summary",), ("summary", "metrics", "appendix")],
    ids=["single", "all"],
)
def test_group_dispatches_one_task_per_section(report, sections):  # error: TDL001
    job = group(render_section.s(report.pk, name) for name in sections).apply_async()

    assert len(job.results) == len(sections)


def test_chord_assembles_every_section(report):
    header = [render_section.s(report.pk, name) for name in SECTIONS]

    result = chord(header)(assemble_sections.s(report.pk))

    assert result.get(timeout=120) == {"report": report.pk, "sections": len(SECTIONS)}


def test_chain_first_link_renders_section(report):  # error: TDL001
    result = (render_section.s(report.pk, "metrics") | assemble_sections.s(report.pk)).apply_async()

    section_id = result.parent.get(timeout=60)

    assert ReportSection.objects.filter(pk=section_id, name="metrics").exists()

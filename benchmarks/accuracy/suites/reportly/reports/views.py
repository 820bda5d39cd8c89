from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Report
from .tasks import build_report


@login_required
@require_POST
def rebuild(request, pk: int):
    report = get_object_or_404(Report, pk=pk, owner=request.user)
    report.status = Report.Status.QUEUED
    report.save(update_fields=["status"])
    result = build_report.delay(report.pk)
    return JsonResponse({"task": result.id, "status": report.status}, status=202)

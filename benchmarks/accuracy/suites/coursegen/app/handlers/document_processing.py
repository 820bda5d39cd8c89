import logging

from app.config import DOCUMENTS_BUCKET
from app.db import get_supabase_admin, update_course_progress
from app.queue import JobType, add_job, get_queue

log = logging.getLogger(__name__)


def convert_to_markdown(raw: bytes, filename: str) -> str:
    text = raw.decode("utf-8", errors="replace")
    title = filename.rsplit("/", 1)[-1]
    return f"# {title}\n\n{text.strip()}\n"


async def process_document(job, token: str) -> dict:
    course_id = job.data["courseId"]
    file_id = job.data["fileId"]
    supabase = get_supabase_admin()

    row = (
        supabase.table("file_catalog")
        .select("storage_path")
        .eq("id", file_id)
        .single()
        .execute()
    ).data
    raw = supabase.storage.from_(DOCUMENTS_BUCKET).download(row["storage_path"])
    markdown = convert_to_markdown(raw, row["storage_path"])

    supabase.table("file_catalog").update({"processed_content": markdown}).eq("id", file_id).execute()
    update_course_progress(course_id, 2, "in_progress", "Document processed", file_id=file_id)

    # Stage 3 is chained from here: one summarization job per processed document.
    queue = get_queue()
    try:
        await add_job(queue, JobType.STAGE_3_SUMMARIZATION, {"courseId": course_id, "fileId": file_id})
    finally:
        await queue.close()

    log.info("document %s processed, summarization queued", file_id)
    return {"fileId": file_id, "chars": len(markdown)}

"""Job handlers. Stage 2 (document processing) chains a Stage 3 summarisation job per document."""

from .db import get_supabase_admin, update_course_progress
from .queue import add_job


async def process_document(job, token):
    supabase = get_supabase_admin()
    course_id, file_id = job.data["courseId"], job.data["fileId"]
    row = supabase.table("file_catalog").select("storage_path").eq("id", file_id).single().execute().data
    markdown = f"# {row['storage_path']}\n\n(parsed)"
    supabase.table("file_catalog").update({"processed_content": markdown}).eq("id", file_id).execute()
    update_course_progress(course_id, 2, "in_progress", f"Processed {file_id}")
    await add_job("stage3-summarization", {"courseId": course_id, "fileId": file_id})
    return {"fileId": file_id}


async def summarize_document(job, token):
    supabase = get_supabase_admin()
    course_id, file_id = job.data["courseId"], job.data["fileId"]
    content = supabase.table("file_catalog").select("processed_content").eq("id", file_id).single().execute().data
    summary = (content["processed_content"] or "")[:500]
    supabase.table("file_catalog").update({"summary": summary}).eq("id", file_id).execute()
    update_course_progress(course_id, 3, "in_progress", f"Summarised {file_id}")
    return {"fileId": file_id, "chars": len(summary)}


async def generate_structure(job, token):
    supabase = get_supabase_admin()
    course_id = job.data["courseId"]
    summaries = supabase.table("file_catalog").select("id, summary").eq("course_id", course_id).execute().data
    sections = [{"course_id": course_id, "position": i, "title": f"Section {i + 1}"} for i, _ in enumerate(summaries)]
    if sections:
        supabase.table("course_structure").insert(sections).execute()
    update_course_progress(course_id, 4, "completed", "Structure generated")
    return len(sections)


HANDLERS = {
    "document-processing": process_document,
    "stage3-summarization": summarize_document,
    "stage4-structure": generate_structure,
}


async def dispatch(job, token):
    return await HANDLERS[job.name](job, token)

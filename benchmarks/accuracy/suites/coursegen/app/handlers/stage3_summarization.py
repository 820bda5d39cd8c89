from app.db import get_supabase_admin, update_course_progress


def summarize(markdown: str, max_sentences: int = 3) -> str:
    sentences = [s.strip() for s in markdown.replace("\n", " ").split(".") if s.strip()]
    return ". ".join(sentences[:max_sentences]) + "."


async def summarize_document(job, token: str) -> dict:
    course_id = job.data["courseId"]
    file_id = job.data["fileId"]
    supabase = get_supabase_admin()

    row = supabase.table("file_catalog").select("processed_content").eq("id", file_id).single().execute().data
    summary = summarize(row["processed_content"] or "")
    supabase.table("file_catalog").update({"summary": summary}).eq("id", file_id).execute()

    # Reads courses.generation_progress -> fails once the course has been deleted.
    update_course_progress(course_id, 3, "in_progress", "Summary generated", file_id=file_id)
    return {"fileId": file_id, "summaryLength": len(summary)}

"""Export one course with its chunks as JSON files: python -m pipeline.export --course-id 1 --out DIR"""
import argparse
import json
from pathlib import Path

from .supabase_client import get_client


def export_course(course_id, out_dir):
    client = get_client()
    course = client.table("courses").select("*").eq("id", course_id).single().execute().data
    chunks = client.table("chunks").select("*").eq("course_id", course_id).order("position").execute().data
    out = Path(out_dir)
    (out / "course.json").write_text(json.dumps(course, indent=2))
    for chunk in chunks:
        (out / f"chunk-{chunk['position']:04d}.json").write_text(json.dumps(chunk))
    return len(chunks)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--course-id", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    print(export_course(args.course_id, args.out))


if __name__ == "__main__":
    main()

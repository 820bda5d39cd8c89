from app.handlers.document_processing import process_document
from app.handlers.stage3_summarization import summarize_document

HANDLERS = {
    "DOCUMENT_PROCESSING": process_document,
    "STAGE_3_SUMMARIZATION": summarize_document,
}

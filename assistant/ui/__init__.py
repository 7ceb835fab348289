"""UI: the Gradio app for officials — chat with cited answers, the document reader, briefings, feedback."""

"""The training page's sections without Streamlit: one module per section, their shared runs, the scenes."""

"""Page content without Streamlit: the tables and sentences each page writes from its numbers, and the presets with their published data."""

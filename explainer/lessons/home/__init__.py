"""The home page's story in six steps, the sentences written from it, and its fixed text."""

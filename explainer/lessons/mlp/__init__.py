"""The MLP comparison page's content: the time budget, its sentences and tables, its fixed text."""

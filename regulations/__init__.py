"""The bundled corpus: China's immigration law as lexgraph sources (package data)."""

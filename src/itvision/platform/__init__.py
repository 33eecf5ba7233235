"""The shared kernel: the only code every engine may import."""

"""Reference data: the Kemendagri region codes and the shared vocabulary."""

"""Certificates of completion (docs/certificates.md): issued when an officer completes a course
(`issuing`, on `curriculum.signals.course_completed`), downloaded by their owner as a bilingual PDF
(`pdf`), verified by anyone who holds the code (`verification`), revoked by programme admins
(`revocation`, with the admin screen in `admin`). The record is `curriculum.models.Certificate`."""

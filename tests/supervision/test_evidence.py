import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from supervision import evidence, services
from supervision.models import Evidence
from targets.models import ReportEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def xlsx_bytes():
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


class TestSniff:
    def test_reads_the_kind_from_the_content_not_the_name(self):
        assert evidence.sniff(upload("扫描件.jpg", PDF)) is evidence.PDF
        assert evidence.sniff(upload("报表.bin", xlsx_bytes())) is evidence.XLSX

    @pytest.mark.parametrize(
        "content",
        [b"MZ\x90\x00" + b"\x00" * 60, b"<html><script>alert(1)</script>", b"PK\x03\x04not really a zip"],
    )
    def test_refuses_a_program_a_page_or_a_broken_zip_named_pdf(self, content):
        with pytest.raises(evidence.EvidenceRefused, match="不支持"):
            evidence.sniff(upload("说明.pdf", content))

    def test_refuses_a_plain_zip_that_is_no_office_document(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("a.txt", "x")

        with pytest.raises(evidence.EvidenceRefused):
            evidence.sniff(upload("材料.docx", out.getvalue()))

    def test_refuses_a_file_over_the_size_limit(self, monkeypatch):
        monkeypatch.setattr(evidence, "MAX_BYTES", 10)

        with pytest.raises(evidence.EvidenceRefused, match="过大"):
            evidence.sniff(upload("大.pdf", PDF))


class TestAttach:
    def test_keeps_the_file_outside_the_web_root_and_lists_it_in_the_history(self, world, report_draft):
        item = services.evidence_attach(upload=upload("佐证.pdf", PDF), by=world.users["reporter"], report=report_draft)

        path = item.file.path
        assert path.startswith(str(settings.MEDIA_ROOT / "evidence")) and path.endswith(".pdf")
        assert "佐证" not in path  # our own name on disk
        assert ReportEvent.objects.filter(report=report_draft, field="佐证材料", new="佐证.pdf").exists()

    def test_a_problems_file_is_a_step_of_its_timeline(self, world, assigned):
        services.evidence_attach(upload=upload("批复.pdf", PDF), by=world.users["reporter"], problem=assigned)

        assert assigned.events.filter(kind="attach", text__contains="批复.pdf").exists()


class TestPages:
    def test_the_clerk_uploads_and_only_those_who_see_the_report_download(self, client, world, report_draft):
        client.force_login(world.users["reporter"])
        page = reverse("supervision:report_problems", kwargs={"pk": report_draft.pk})

        client.post(page, {"action": "attach", "file": upload("佐证.pdf", PDF)})

        item = Evidence.objects.get()
        url = reverse("supervision:evidence_download", kwargs={"pk": item.pk})
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        client.force_login(world.users["other_reporter"])
        assert client.get(url).status_code == 404

    def test_a_wrong_file_says_why_and_keeps_nothing(self, client, world, report_draft):
        client.force_login(world.users["reporter"])
        page = reverse("supervision:report_problems", kwargs={"pk": report_draft.pk})

        response = client.post(page, {"action": "attach", "file": upload("说明.pdf", b"MZ\x90\x00")}, follow=True)

        assert "不支持该文件类型" in response.content.decode()
        assert not Evidence.objects.exists()

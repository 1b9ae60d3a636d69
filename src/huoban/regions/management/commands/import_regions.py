from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huoban.regions.services import RegionImportError, regions_import

BUNDLED = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "导入行政区划 CSV（code,name,parent_code,level）；有任何错误行则整体不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV 文件路径 (UTF-8)")
        parser.add_argument("--bundled", choices=["shanghai"], help="导入随附的区划数据")

    def handle(self, *args, **options):
        if options["bundled"]:
            path = BUNDLED / f"{options['bundled']}.csv"
        elif options["file"]:
            path = Path(options["file"])
        else:
            raise CommandError("请给出 CSV 文件路径，或使用 --bundled shanghai。")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 CSV。") from None
        try:
            result = regions_import(text=text, actor=None)
        except RegionImportError as exc:
            lines = "\n".join(f"  第 {line} 行：{msg}" for line, msg in exc.errors)
            raise CommandError(
                f"没有导入任何区划，文件中有 {len(exc.errors)} 处错误：\n{lines}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：新增 {result.created} 个，更新 {result.updated} 个。")
        )

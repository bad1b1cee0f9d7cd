"""Prints each failed test of a TRX report with the first lines of its message (for scripts/test.sh)."""
import sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(sys.argv[1]).getroot()
failed = [r for r in root.iterfind(".//t:UnitTestResult", ns) if r.get("outcome") in ("Failed", "Error")]
print(f"Failed tests ({len(failed)}):")
for result in failed:
    message = result.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
    stack = result.findtext(".//t:StackTrace", default="", namespaces=ns).strip().splitlines()
    print(f"  {result.get('testName')} [{result.get('duration')}]")
    for line in message[:6] + stack[:4]:
        print(f"    {line.strip()[:300]}")

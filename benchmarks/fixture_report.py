import sys, traceback
from pathlib import Path
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from teardown_lint.testing import expected, actual
root = Path(sys.argv[1] if len(sys.argv) > 1 else '/work/main/fixtures')
cases = sorted(p.parent for p in root.glob('*/*/') if p.is_dir()) if root.name=='fixtures' else [root]
cases = sorted({p for p in root.glob('*/*') if p.is_dir()})
ok = bad = 0
for case in cases:
    try:
        exp = expected(case); act, findings = actual(case)
    except Exception as e:
        print('CRASH', case.relative_to(root), repr(e)); traceback.print_exc(limit=3); bad += 1; continue
    if exp == act: ok += 1
    else:
        bad += 1
        print('FAIL', case.relative_to(root), 'missing', sorted(exp-act), 'extra', sorted(act-exp))
print('ok', ok, 'bad', bad)

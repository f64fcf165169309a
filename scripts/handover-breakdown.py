import re,sys,glob,statistics
from datetime import datetime
ev={}
pat=re.compile(r'^(\S+)\s+INFO (\d+) .*?: (.*)$')
for f in glob.glob(sys.argv[1]+'/*.log'):
    for line in open(f,errors='replace'):
        m=pat.match(line)
        if not m: continue
        t=datetime.fromisoformat(m.group(1).replace('Z','+00:00')).timestamp()*1000
        pid=m.group(2); msg=m.group(3)
        ev.setdefault(pid,[]).append((t,msg))
rows=[]
for pid,evs in ev.items():
    for t,msg in evs:
        mm=re.search(r'handed ACTIVE over to serverId (\d+) \(term (\d+)\)',msg)
        if not mm: continue
        term=mm.group(2)
        down=[x for x,m2 in evs if 'steps down from ACTIVE: the application is stopping' in m2 and x<=t]
        if not down: continue
        d=max(down)
        # successor
        reg=sw=None
        for pid2,evs2 in ev.items():
            for t2,m2 in evs2:
                if ('register ACTIVE service successfully' in m2 and 'term='+term in m2): reg=t2
                if ('switch from standby to active' in m2 and '@'+term+')' in m2): sw=t2
        if reg and sw: rows.append((t-d,reg-t,sw-reg,sw-d))
if not rows: print('none'); sys.exit()
names=['stepdown->transfer answered','answered->successor ACTIVE','successor ACTIVE->listener line','stepdown->listener line']
for i,n in enumerate(names):
    v=sorted(r[i] for r in rows)
    print(f"{n}: n={len(v)} median={statistics.median(v):.1f} ms p90={v[int(0.9*(len(v)-1))]:.1f} max={v[-1]:.1f}")

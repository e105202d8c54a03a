"""JSONata back end: str methods, f-strings, str(), indexing and slices (see README.md)."""


class Service:
    async def _run(self, name: str, n: int, flag: bool):
        text = "  " + name + "  "
        clean = text.strip().lower()
        return {"clean": clean, "upper": name.upper(), "f": f"{clean}-{n}-{flag}-{None}",
                "starts": clean.startswith("al"), "ends": name.endswith("CE"),
                "replaced": clean.replace("l", "L"), "words": "a  b c".split(),
                "csv": ",".join(["x", clean]), "len": len(clean), "s": str(n) + str(flag),
                "first": clean[0], "last": clean[-1], "mid": clean[1:-1], "rev": clean[::-1],
                "count": "banana".count("an"), "find": clean.find("i"),
                "money": f"{n * 1234.5:,.2f}", "pct": f"{0.256:.1%}", "pad": f"{name:>8}",
                "zero": f"{n:03d}"}

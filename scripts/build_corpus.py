#!/usr/bin/env python3
"""Rebuild the reference-corpus text files from pinned public sources.

The request texts are not stored in this repository (only our labels are, in
corpus/labels/). This script downloads each source at a pinned commit from
raw.githubusercontent.com (or reads a local copy given with --input) and writes
one JSONL file per source: {"id": ..., "text": ..., "source": ...} per line.

    python scripts/build_corpus.py                      # all sources, default --out
    python scripts/build_corpus.py --only cli_apps      # one source
    python scripts/build_corpus.py --input webgen_train=/tmp/x.jsonl

--input takes <source>=<path>: a file for single-file sources, for multi-file
sources (app_ideas, osgl_games) the root of a checkout of the repository, or for
any source a git clone (bare or not) of the repository, read at the pinned commit.
Provenance and licences are listed in corpus/SOURCES.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"
REPO_ROOT = Path(__file__).resolve().parent.parent
# The texts go to an optional data directory outside the repository (GROKORC_CORPUS_DIR tells the trainer
# and bench/bench_archetype.py where); by default shared/eval/corpus beside the checkout.
DEFAULT_OUT = REPO_ROOT.parent / "shared" / "eval" / "corpus"

# An extractor gets {path: text} for the source's files and yields (text, category).
Extractor = Callable[[dict[str, str]], Iterable[tuple[str, str]]]


@dataclass
class Source:
    name: str  # key used on the command line
    file: str  # output file name
    source: str  # value of the "source" field
    prefix: str  # id prefix
    repo: str
    commit: str
    paths: list[str]
    extract: Extractor
    min_words: int = 6
    width: int = 3  # digits in the id


# ---------------------------------------------------------------- helpers

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def unlink(text: str) -> str:
    """Replace markdown links [label](url) by their label."""
    return _LINK.sub(r"\1", text)


def squash(text: str) -> str:
    """Join soft-wrapped markdown lines: collapse runs of whitespace."""
    return " ".join(text.split())


def headings(lines: Iterable[str]):
    """Yield (h2, h3, line) for every line, tracking ## and ### headings."""
    h2 = h3 = ""
    for line in lines:
        if line.startswith("## "):
            h2, h3 = line[3:].strip(), ""
        elif line.startswith("### "):
            h3 = line[4:].strip()
        yield h2, h3, line


def only(files: dict[str, str]) -> str:
    (text,) = files.values()
    return text


# ---------------------------------------------------------------- extractors


def extract_webgen(files: dict[str, str]):
    for line in only(files).splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for msg in row["messages"]:
            if msg["role"] == "user":
                yield msg["content"].strip(), ""
                break


_CLI_ENTRY = re.compile(r"^- \[[^\]]+\]\([^)]+\) [-–] (.+)$")
_CLI_SKIP = {"Table of Contents", "Other Resources", "License", "Contents"}


def extract_cli_apps(files: dict[str, str]):
    for h2, h3, line in headings(only(files).splitlines()):
        if h2 in _CLI_SKIP:
            continue
        m = _CLI_ENTRY.match(line)
        if m:
            yield unlink(m.group(1)).strip(), f"{h2}/{h3}" if h3 else h2


_API_ROW = re.compile(r"^\| *\[[^\]]+\]\([^)]+\) *\| *([^|]+?) *\|")


def extract_public_apis(files: dict[str, str]):
    started = False
    for h2, h3, line in headings(only(files).splitlines()):
        if h2 == "Index":
            started = True  # everything before the index is sponsored material
        if not started or not h3:
            continue
        m = _API_ROW.match(line)
        if m:
            yield m.group(1).strip(), h3


def extract_app_ideas(files: dict[str, str]):
    for path in sorted(files):
        lines = files[path].splitlines()
        title = next(x[2:].strip() for x in lines if x.startswith("# "))
        body: list[str] = []
        seen_tier = False
        for line in lines:
            if line.startswith("**Tier:**"):
                seen_tier = True
                continue
            if seen_tier:
                if line.startswith("#"):
                    break
                body.append(line)
        paras = [squash(p) for p in "\n".join(body).split("\n\n") if p.strip()]
        desc = "\n\n".join(unlink(p) for p in paras)
        tier = path.split("/")[1]
        yield f"{title}\n\n{desc}", tier


_KARAN = re.compile(r"^\*\*(.+?)\*\* - (.+)$")


def extract_karan(files: dict[str, str]):
    section = ""
    lines = only(files).splitlines()
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1]):
            section = line.strip()
        m = _KARAN.match(line)
        if m:
            yield f"{m.group(1).strip()} - {unlink(m.group(2)).strip()}", section


_ML_TOP = re.compile(r"^- \*\*(.+?)\*\*\s*(.*)$")
_ML_SUB = re.compile(r"^\s+- (.+)$")


def extract_ml_ideas(files: dict[str, str]):
    lines = only(files).splitlines()
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        m = _ML_TOP.match(line)
        if m:
            title = unlink(m.group(1)).strip()
            desc = ""
            for nxt in lines[i + 1 : i + 6]:
                if _ML_TOP.match(nxt) or nxt.startswith("#"):
                    break
                s = _ML_SUB.match(nxt)
                if s and not s.group(1).startswith("Dataset"):
                    desc = unlink(s.group(1)).strip()
                    break
            if desc:
                yield f"{title} - {desc}", section
        i += 1


_GPT_ENTRY = re.compile(r"^ \* \S+ \[[^\]]+\]\([^)]+\) - ⭐ [^/]*/ (.+)$")
_GPT_SECTIONS = {"Chatbots", "CLIs", "NLP"}


def extract_chatgpt_repos(files: dict[str, str]):
    for h2, _h3, line in headings(only(files).splitlines()):
        if h2 not in _GPT_SECTIONS:
            continue
        m = _GPT_ENTRY.match(line)
        if m:
            text = m.group(1).strip()
            if _CJK.search(text) or text.endswith("…"):
                continue  # non-English or truncated descriptions
            yield text, h2


_IRC_ENTRY = re.compile(r"^- (?:\[!\[[^\]]*\]\([^)]*\) ?[^\]]*\]|\[[^\]]+\])\([^)]+\) - (.+)$")
_IRC_TAIL = re.compile(r"(\s*\(\[source\][^`]*?\))?(\s*`[^`]+`)*\s*$")


def extract_irc(files: dict[str, str]):
    for h2, _h3, line in headings(only(files).splitlines()):
        if h2 not in {"Clients", "Bots"}:
            continue
        m = _IRC_ENTRY.match(line)
        if m:
            yield unlink(_IRC_TAIL.sub("", m.group(1))).strip(), h2


OSGL_GENRES = {
    "action",
    "adventure",
    "arcade",
    "board",
    "cards",
    "educational",
    "platform",
    "puzzle",
    "remake",
    "role playing",
    "simulation",
    "sports",
    "strategy",
}
_PLAYWORD = re.compile(r"(?i)\b(games?|play|players?|playing|played)\b")


def osgl_entry(text: str) -> tuple[str, str] | None:
    """(description, first keyword) of an OSGL entry, or None if not a game."""
    m = re.search(r"^- Keyword: (.*)$", text, re.M)
    parts = text.split("\n\n")
    if not m or len(parts) < 3 or not parts[1].startswith("- "):
        return None
    genre = m.group(1).split(",")[0].strip()
    desc = parts[2].strip()
    if genre not in OSGL_GENRES or desc.startswith(("#", "- ")):
        return None
    if "http" in desc or "\n" in desc or not _PLAYWORD.search(desc):
        return None
    return desc, genre


def extract_osgl(files: dict[str, str]):
    for path in sorted(files):
        hit = osgl_entry(files[path])
        if hit:
            yield hit


# ---------------------------------------------------------------- sources

WEBGEN = "95a9930883717c45b596c507a6940a7c96514490"
APP_IDEAS_FILES = """
1-Beginner/Bin2Dec-App.md 1-Beginner/Border-Radius-Previewer.md 1-Beginner/CSV2JSON-App.md
1-Beginner/Calculator-App.md 1-Beginner/Calendar-App.md 1-Beginner/Cause-Effect-App.md
1-Beginner/Christmas-Lights-App.md 1-Beginner/Color-Cycle-App.md
1-Beginner/Countdown-Timer-App.md 1-Beginner/Dollars-To-Cents-App.md
1-Beginner/Dynamic-CSSVar-app.md 1-Beginner/First-DB-App.md 1-Beginner/Flip-Image-App.md
1-Beginner/GitHub-Status-App.md 1-Beginner/Hello-App.md 1-Beginner/IOT-Mailbox-App.md
1-Beginner/JSON2CSV-App.md 1-Beginner/Javascript-Validation-With-Regex.md
1-Beginner/Key-Value-App.md 1-Beginner/Lorem-Ipsum-Generator.md 1-Beginner/Notes-App.md
1-Beginner/Pearson-Regression-App.md 1-Beginner/Pomodoro-Clock.md
1-Beginner/Product-Landing-Page.md 1-Beginner/Quiz-App.md 1-Beginner/Random-Meal-Generator.md
1-Beginner/Random-Number-Generator.md 1-Beginner/Recipe-App.md
1-Beginner/Roman-to-Decimal-Converter.md 1-Beginner/Slider-Design.md 1-Beginner/Stopwatch-App.md
1-Beginner/True-or-False-App.md 1-Beginner/Vigenere-Cipher.md 1-Beginner/Weather-App.md
1-Beginner/Windchill-App.md 1-Beginner/Word-Frequency-App.md 2-Intermediate/Bit-Masks-App.md
2-Intermediate/Book-Finder-App.md 2-Intermediate/Calculator-CLI.md
2-Intermediate/Card-Memory-Game.md 2-Intermediate/Charity-Finder-App.md
2-Intermediate/Chrome-Theme-Extension.md 2-Intermediate/Currency-Converter.md
2-Intermediate/Drawing-App.md 2-Intermediate/Emoji-Translator-App.md
2-Intermediate/FlashCards-App.md 2-Intermediate/Flip-Art-App.md
2-Intermediate/Game-Suggestion-App.md 2-Intermediate/GitHub-Profiles.md
2-Intermediate/HighStriker-Game.md 2-Intermediate/Image-Scaner.md
2-Intermediate/Markdown-Previewer.md 2-Intermediate/Markdown-Table-Generator.md
2-Intermediate/Meme-Generator-App.md 2-Intermediate/Name-Generator.md
2-Intermediate/Password-Generator.md 2-Intermediate/Podcast-Directory-App.md
2-Intermediate/QRCode-Badge-App.md 2-Intermediate/RegExp-Helper-App.md
2-Intermediate/Sales-DB-App.md 2-Intermediate/Simple-Online-Store.md
2-Intermediate/Sports-Bracket-Generator.md 2-Intermediate/String-Art.md
2-Intermediate/This-or-That-Game.md 2-Intermediate/Timezone-Slackbot.md
2-Intermediate/To-Do-App.md 2-Intermediate/Typing-Practice-App.md 2-Intermediate/Voting-App.md
2-Intermediate/math-editor.md 3-Advanced/Battleship-Bot.md 3-Advanced/Battleship-Game-Engine.md
3-Advanced/Boole-Bot-Game.md 3-Advanced/Bug-Race-Game.md 3-Advanced/Calorie-Counter-App.md
3-Advanced/Chat-App.md 3-Advanced/Contribution-Tracker-App.md 3-Advanced/Elevator-App.md
3-Advanced/FastFood-App.md 3-Advanced/GitHub-Timeline-App.md 3-Advanced/GitTweet-App.md
3-Advanced/Instagram-Clone-App.md 3-Advanced/Kudos-Slackbot.md 3-Advanced/Movie-App.md
3-Advanced/MyPodcast-Library-app.md 3-Advanced/NASA-Exoplanet-Query.md 3-Advanced/Shell-Game.md
3-Advanced/Shuffle-Deck-App.md 3-Advanced/Slack-Archiver.md 3-Advanced/SpellIt-App.md
3-Advanced/Survey-App.md
"""  # under Projects/
OSGL_FILES = """
1oom.md 3d_pong.md 3dc.md agent_8-ball.md alien_assault_traders.md allure_of_the_stars.md
amnesia_a_machine_for_pigs.md armagetron_advanced.md atomix.md battle_tanks.md
battlefield_java.md black_shades_elite.md blackvoxel.md blinken.md blobby_volley_2.md
bloboats.md block_attack-rise_of_the_blocks.md bouncy_the_hungry_rabbit.md bovo.md brickbyte.md
buggygame.md bygfoot.md caph.md captain_blood.md cat_mother_dead_justice.md catacombgl.md
children_of_ur.md chrzaszcz.md civic_nightmare.md colonization_too.md cows_revenge.md
cro-mag_rally.md crown_and_cutlass.md deer_portal.md diablo-js.md domino_on_acid.md
dune_dynasty.md dune_legacy.md dungeon_monkey_eternal.md dungeon_quest.md einstein_puzzle.md
eos_dawn_of_light_a_space_opera.md et_legacy.md excellent_bifurcation.md fairy-max.md
fictional_air_combat.md flatris.md flukz.md free_space_colonization.md freeaoe.md ghostly.md
gjid.md glparchis.md gltron.md gnome_hearts.md gpl_arcade_volleyball.md gravitation.md
greenius_civil_war.md gusanos.md harmonist_dayoriah_clan_infiltration.md hnefatafl.md holtz.md
hypercube.md infiniminer.md infinite_mario_in_html5.md infinite_tux.md infon_battle_arena.md
intricacy.md iris2.md jamp.md javascript_snake.md javelin.md jskat.md kam_remake.md katomic.md
kbreakout.md key_runner.md kigo.md kiriki.md kobolds_quest_2.md kpat.md ksudoku.md kuklomenos.md
l-echo.md levelhead.md limbs_off.md lionengine.md liquid_war.md lordsawar.md lugaru_hd.md
luola.md mah-jong.md mars.md mineclonia.md minilens.md moon-buggy.md
murder_in_the_public_domain.md musosu.md n2048.md nanosaur_ii_hatchling.md
nethack-falcons_eye.md netmaumau.md nikki_and_the_robots.md nikwi.md not_pacman.md
numpty_physics.md ogs_mahjong.md one_hour_one_life.md open_golf.md open_greedy.md
open_legend_rpg.md open_rsc.md open_soccer_star.md openciv3.md openclonk.md opendr.md openfly.md
openfrontio.md openloco.md openomf.md openrct2.md openrw.md openwebsoccer-sim.md
operation_citadel.md orient.md our_personal_space.md overgod.md pacewar.md particle_clicker.md
passage.md pathogen_warrior.md pcexhumed.md penguin_command.md peragro_tempus.md pioneers.md
plee_the_bear.md pokerth.md primeshooter.md pygame-alien-invasion.md quadrapassel.md
race_into_space.md rails_an_18xx_game_system.md raze.md rednukem.md regoth.md
roguebox_adventures.md sarah-maries_eierjagd.md savage_wheels.md search_for_the_red_herring.md
secret_maryo_chronicles.md shapez.md simple-solitaire.md sintel_the_game.md sleep_is_death.md
space_station_13.md space_trader_for_windows.md spice_trade.md steamer_duck.md stressfreezone.md
summoning_wars.md super_transball_2.md system_syzygy.md tactics_squad.md tangomon.md
terminal_overload.md tetraforce.md the_bubs_brothers.md the_clans.md the_endless_dungeons.md
the_epic_of_heroes.md thunderlightning.md tornado.md tremfusion.md trophy.md tux_paint.md
ufo_alien_invasion.md unvanquished.md vanilla-conquer.md vegan_on_a_desert_island.md vircadia.md
wallball.md war_thunder.md watomic.md webchess.md world_of_heroes.md xarchon.md xgreed.md
zatacka.md zelda_classic.md zelda_mystery_of_solarus_dx.md
"""  # under entries/: the game entries the extractor keeps


def _pinned(block: str, prefix: str) -> list[str]:
    return [prefix + name for name in block.split()]


SOURCES: list[Source] = []


def _register() -> None:
    SOURCES.extend(
        [
            Source(
                "webgen_train",
                "webgen_train.jsonl",
                "webgen_instruct_select600",
                "webgen-train",
                "mnluzimu/WebGen-Bench",
                WEBGEN,
                ["data/train_data/messages_select_600.jsonl"],
                extract_webgen,
                min_words=0,
            ),
            Source(
                "cli_apps",
                "cli_apps.jsonl",
                "awesome-cli-apps",
                "cli-apps",
                "agarrharr/awesome-cli-apps",
                "c37c30ed6830ae558dc909baed756b79473f3b96",
                ["readme.md"],
                extract_cli_apps,
            ),
            Source(
                "public_apis",
                "public_apis.jsonl",
                "public-apis",
                "public-apis",
                "public-apis/public-apis",
                "c045a2eb505f0f8b7992bb4af53cc020f25003fd",
                ["README.md"],
                extract_public_apis,
            ),
            Source(
                "app_ideas",
                "app_ideas.jsonl",
                "app-ideas",
                "app-ideas",
                "florinpop17/app-ideas",
                "08b771c8632d04c0d011f2600afcf2e44689918f",
                _pinned(APP_IDEAS_FILES, "Projects/"),
                extract_app_ideas,
            ),
            Source(
                "karan_projects",
                "karan_projects.jsonl",
                "karan-projects",
                "karan-projects",
                "karan/Projects",
                "10ed1c05166c66aa1b1085b92d95b67ad5268182",
                ["README.md"],
                extract_karan,
            ),
            Source(
                "ml_ideas",
                "ml_ideas.jsonl",
                "awesome-project-ideas",
                "ml-ideas",
                "NirantK/awesome-project-ideas",
                "31f6fb0dba79430f220ee9b77e773ed496193be6",
                ["README.md"],
                extract_ml_ideas,
            ),
            Source(
                "chatgpt_repos",
                "chatgpt_repos.jsonl",
                "awesome-chatgpt-repositories",
                "chatgpt-repos",
                "taishi-i/awesome-ChatGPT-repositories",
                "f541fbc74006b3dac608f7f3fe9489bc3a49102e",
                ["README.md"],
                extract_chatgpt_repos,
            ),
            Source(
                "irc",
                "irc.jsonl",
                "awesome-irc",
                "irc",
                "davisonio/awesome-irc",
                "3f3e71c2f8bfb9c0e52bd0e4bd89541fe77a02fc",
                ["readme.md"],
                extract_irc,
            ),
            Source(
                "osgl_games",
                "osgl_games.jsonl",
                "osgl",
                "osgl-games",
                "Trilarion/opensourcegames",
                "e238367548b36d10498ee8854a2123e7a36a440f",
                _pinned(OSGL_FILES, "entries/"),
                extract_osgl,
            ),
        ]
    )


# ---------------------------------------------------------------- driver


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def _git_show(git_dir: Path, commit: str, path: str) -> bytes:
    """A file at the pinned commit of a local clone (bare or not), so no network is needed."""
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def fetch(src: Source, local: str | None) -> dict[str, str]:
    files: dict[str, str] = {}
    git_dir = None
    if local is not None:
        root = Path(local)
        git_dir = root if _is_git_dir(root) else root / ".git" if _is_git_dir(root / ".git") else None
    for path in src.paths:
        if git_dir is not None:
            data = _git_show(git_dir, src.commit, path)
        elif local is not None:
            p = Path(local)
            data = p.read_bytes() if len(src.paths) == 1 and p.is_file() else (p / path).read_bytes()
        else:
            url = RAW.format(repo=src.repo, commit=src.commit, path=urllib.request.quote(path))
            with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - fixed https URL
                data = resp.read()
        files[path] = data.decode("utf-8")
    return files


def build(src: Source, files: dict[str, str]) -> list[dict]:
    """Items with id, text, source and category (category is not written out)."""
    seen: set[str] = set()
    items: list[dict] = []
    for text, category in src.extract(files):
        if not text or text in seen or len(text.split()) < src.min_words:
            continue
        seen.add(text)
        item_id = f"{src.prefix}-{len(items):0{src.width}d}"
        items.append({"id": item_id, "text": text, "source": src.source, "category": category})
    return items


def write(items: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for it in items:
            row = {"id": it["id"], "text": it["text"], "source": it["source"]}
            fh.write(json.dumps(row) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target directory")
    ap.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="SOURCE=PATH",
        help="use a local file, checkout root or git clone (read at the pinned commit) instead of downloading",
    )
    ap.add_argument("--only", action="append", default=[], metavar="SOURCE", help="build only these sources")
    args = ap.parse_args(argv)
    local = dict(x.split("=", 1) for x in args.input)
    names = {s.name for s in SOURCES}
    for name in [*local, *args.only]:
        if name not in names:
            ap.error(f"unknown source {name!r}; known: {', '.join(sorted(names))}")
    args.out.mkdir(parents=True, exist_ok=True)
    for src in SOURCES:
        if args.only and src.name not in args.only:
            continue
        items = build(src, fetch(src, local.get(src.name)))
        write(items, args.out / src.file)
        print(f"{src.file}: {len(items)} items", file=sys.stderr)
    return 0


_register()

if __name__ == "__main__":
    raise SystemExit(main())

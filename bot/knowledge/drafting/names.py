"""First names the draft knows, to tell a person ("Lasse Frimand Jensen") from other capitalised
words ("Region Midtjylland"). Common Danish, Nordic and English given names; a name not listed is
still found where a word such as "ved" or "Ordstyrer:" introduces it."""

from __future__ import annotations

_DANISH = """
aase adam adrian agnes agnete aksel albert alberte alexander alfred alice allan alma amalie
amanda anders andreas ane anette anita anja ann anna anne annemette anni annette anton
arne asger astrid august aya bent bente berit birgit birgitte birte bjarne bjørn bo bodil
britt brian camilla carina carl carla carsten casper caroline cecilie charlotte christian
christina christine christoffer claus conny dan daniel david ditte dorte dorthe edith egon
einar ejner elin elisabeth ella ellen elna else emil emilie emma erik erling esben ester
esther eva felix filip finn flemming frank frederik freja frida frode gitte gorm grethe
gudrun gunnar hanne hans harald heidi helene helge helle henning henrik henriette herdis
hugo ib ida inge inger ingrid irene irma jacob jakob jan jane janne jannik jens jeppe
jesper jette jimmy joachim johan johanne johannes john jonas jonathan jørgen jørn josefine
julie kaj kamilla karen kari karin karina karl karsten kasper katrine kenneth kent kim
kirsten kirstine kjeld klaus knud kristian kristina kristine lars lasse laura lea leif lene
lars lillian line linda lisa lisbeth lise lone lotte louise lucas lykke lærke magnus maja
malene mads maria marianne marie mariann marius martin mathias mathilde mette michael
michelle mie mikael mikkel mille mogens mona morten nanna niels nikolaj nils nina ninna
noah ole oliver olivia oscar otto palle peder per pernille peter philip pia poul preben
rasmus randi rebecca rikke rita robert rolf rune ruth sanne sara sebastian signe simon
sine sofie solveig sonja steen stefan steffen stig stine susanne svend søren sørine
tanja thomas thorkild thøger tina tine tobias tom tommy tonny torben tove trine troels
tue ulla ulrik uffe valdemar vera verner victor vibeke viggo viktor vilhelm villads
vinni william yvonne aage åse ebbe ejvind jytte kurt leo laila lissi marlene naja nete
ove rene rené sabrina søs tage torsten vagn yrsa ann-britt ann-sofie anne-marie
anne-mette karl-erik hans-henrik jens-peter lise-lotte marie-louise per-olof poul-erik
birthe dorrit jonna merete pernille sidsel tove ulrikke gerda hjalte ivan jon lau
magnus mette-marie regitze thyra ester bettina benedikte dagmar eigil erna herluf
"""
_ENGLISH = """
alan alex alice amy andrew angela ann anna anne anthony barbara ben benjamin bob brian
catherine charles chris christopher claire daniel david deborah diana donald edward
elizabeth emily emma eric frank gary george grace hannah harry helen henry jack james
jane janet jason jennifer jessica joan john jonathan joseph julia julie karen kate
katherine kevin laura linda lisa mark mary matthew michael michelle nancy nicholas olivia
patricia paul peter rachel rebecca richard robert ruth sam samuel sarah scott sophie
stephen steven susan thomas timothy victoria william
"""
FIRST_NAMES = frozenset((_DANISH + _ENGLISH).split())

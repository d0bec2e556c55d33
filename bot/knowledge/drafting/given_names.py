"""First names the draft knows, to tell a person ("Lasse Frimand Jensen") from other capitalised
words ("Region Midtjylland"): common Danish, Nordic, Baltic and English given names, and those of
other languages often met in Denmark. A name not listed is still found where a word such as "ved"
or "Ordstyrer:" introduces it."""

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
_MORE = """
aksel allan alberte amalie anders ane anette anker annelise anny arne asta bendt benny berit
birthe bitten bjarke britta camilla carsten christa christel connie dagny dorthea ejnar ellinor
elsebeth erna esben frede frederikke gert grete gry gunhild hanna hans-jørgen helga henny holger
ingeborg inga jannie jeanette jeannette jens-erik jesper joan johnny jonna jytte kai kaja kamma
kaare karsten keld kirsti kjeld knud-erik laurits lis lisa-marie liselotte lissy lotta malthe
margit margrethe marianna marlene merethe mia mikala nicolai nicoline niklas nikolaj ole-kristian
oluf orla oskar pauline pelle povl rasmine rie rolf ronni ronnie sigrid silas silje sonny stina
susie søs tenna thor thorben tilde tobias tonni torkild trine-lise tyge ulf vivi villy willy
winnie åge
"""
_NORDIC_AND_BALTIC = """
agneta anneli annika astri birgitta bjørg björn ebba elin elsa emelie fredrik gunilla gunn
gustav göran håkan hilde ingela ingvild johanna jon jón karolina kerstin lennart linnea malin
margareta marit maren mats olof ola ragnhild sanna sigrun siri sven tuva ulrika ylva åke åsa
antti heikki jari juha jukka kari katja matti mikko minna pekka päivi riikka sari tiina timo
tommi tuomas ville guðrún sigurður ólafur agnė andrius aušra dalia daiva gintarė ieva inga
jūratė mindaugas rasa rūta tomas vytautas andris ilze jānis kristīne līga mārtiņš kadri liis
mart tiit toomas triin
"""
_WIDER = """
abdi abdullah abdullahi adnan ahmad ahmed aisha ali amina amir amira anisa asha ayse ayşe
bilal dina emre fadi farah fatima fatma hamid hamza hassan hiba hodan huda hussain hussein
ibrahim idris ismail jamal jamila karim khadija khalid leyla lina mariam maryam mehmet mohamed
mohammad mohammed muhammad murat musa mustafa nadia naser nasser noor nour omar rana rania
rashid reza salma samir samira sana shirin tarek tariq walid yasin yasmin yasmina yusuf zahra
zainab zeynep
andrea andrej agnieszka carlos carmen dmitri dirk elena ewa francesca giulia irina ivana jean
josé juan jürgen katarzyna klaus luca magdalena marco marija milan monika natalia olga paolo
petra pierre piotr sabine sergei stefanie svetlana tomasz ursula uwe wolfgang
aaron abigail alastair albert amber amelia andy angela arthur ashley austin beverly bradley
brenda bruce bryan carol carolyn charlotte cheryl chloe ciara claire conor craig cynthia
danielle debra denise diane dorothy douglas dylan eileen ellie eoin ethan eugene evelyn fiona
gemma gerald gloria gordon gregory hamish harold harriet heather holly ian isla jacqueline
janice jeffrey jeremy jerry jesse joanne joshua joyce judith judy justin kathleen kayla keith
kelly kimberly kyle lauren lawrence liam logan lori lucy madison margaret marilyn martha megan
melissa natalie nathan neil niamh nicole noah pamela philip poppy ralph raymond rosie russell
ryan samantha sandra sean shirley siobhan sophia stephanie stuart teresa theresa tyler vincent
virginia walter zachary zoe
"""
FIRST_NAMES = frozenset((_DANISH + _ENGLISH + _MORE + _NORDIC_AND_BALTIC + _WIDER).split())

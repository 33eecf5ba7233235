"""The CSV file merchants start from (`itvision catalog template`, GET /imports/template):
French column names, `;` separators and French number formats, as Excel writes them in French
locales, with a product and one of its variants."""

CSV_TEMPLATE = (
    "sku;sku_parent;nom_fr;nom_en;description_fr;marque;categorie;statut;etat;grade;"
    "ram_go;stockage_go;processeur;ecran_pouces;garantie_mois;poids_g;cout_achat;images;options\n"
    "HP-840-G8;;HP EliteBook 840 G8;HP EliteBook 840 G8;Portable pro 14 pouces;HP;"
    "ordinateurs-portables;actif;reconditionné;A;16 Go;512 Go;Intel Core i5-1145G7;14;12 mois;"
    "1,4 kg;250 000;https://cdn.example.com/hp-840-g8.jpg;\n"
    "HP-840-G8-1TO;HP-840-G8;;;;;;;;;;;;;;;275 000;;stockage=1 To|couleur=Argent\n"
)

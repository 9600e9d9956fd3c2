"""Regenerate the demo data files from the seed report's published figures.

The demo company is the rare-earth group whose 2024 ESG report is the
project's seed. This module holds, as data:

* its entity tree (:data:`ENTITIES`; ownership shares are assumptions, see
  ``docs/demo-data.md``),
* every figure the report publishes that the demo carries (:data:`PUBLISHED`),
  each with the table or section it comes from, and
* the split rules that spread a group total over the entities
  (:data:`SPLITS`): integer weights, largest-remainder rounding at the
  precision the figure was published with, so that the parts add up to the
  published total exactly.

Running ``python -m esgledger.demo.generate`` rewrites ``data/entities.csv``
and ``data/observations.csv``. Nothing runs at import time; the package reads
the CSV files, not this module.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from esgledger.intake.tables import ENTITY_COLUMNS, OBSERVATION_COLUMNS

__all__ = [
    "ENTITIES",
    "EXACT_FACTORS",
    "KEY_ENTITIES_7",
    "KEY_ENTITIES_11",
    "PUBLISHED",
    "SMELTING_SEPARATION",
    "SPLITS",
    "TCE_PER_UNIT",
    "Published",
    "Split",
    "allocate",
    "back_solved_reo",
    "entity_rows",
    "main",
    "observation_rows",
    "write_files",
]

SEED = "seed: 2024 ESG report"
ILLUSTRATIVE = "illustrative"

# code, name_en, name_zh, parent, type, ownership_pct, control, region, included_from, included_to
ENTITIES: tuple[tuple[str, ...], ...] = (
    ("NRE", "China Northern Rare Earth (Group) High-Tech Co., Ltd.",
     "中国北方稀土（集团）高科技股份有限公司", "", "group", "", "operational", "CN-NM", "", ""),
    ("SMELTING", "Smelting Branch of Northern Rare Earth", "北方稀土冶炼分公司",
     "NRE", "branch", "100", "operational", "CN-NM", "", ""),
    ("HUAMEI", "Baotou Huamei Rare-Earth High-Tech Co., Ltd.", "包头华美稀土高科有限公司",
     "NRE", "subsidiary", "100", "operational", "CN-NM", "", ""),
    ("MAGMAT", "Inner Mongolia Northern Rare Earth Magnetic Materials Co., Ltd.",
     "内蒙古北方稀土磁性材料有限责任公司", "NRE", "subsidiary", "70", "operational", "CN-NM",
     "", ""),
    ("HUAXING", "Baotou Huaxing Rare Earth Technology Co., Ltd.", "包头华星稀土科技有限责任公司",
     "NRE", "subsidiary", "100", "operational", "CN-NM", "", ""),
    ("HEFA", "Baogang Steel Hefa Rare Earth Co., Ltd.", "内蒙古包钢和发稀土有限公司",
     "NRE", "subsidiary", "51", "operational", "CN-NM", "", ""),
    ("LINGZHI", "Zibo Baogang Lingzhi Rare Earth Hi-tech Co., Ltd.",
     "淄博包钢灵芝稀土高科技股份有限公司", "NRE", "subsidiary", "51", "operational", "CN-SD",
     "", ""),
    ("GANSU", "Gansu Rare Earth New Materials Co., Ltd.", "甘肃稀土新材料股份有限公司",
     "NRE", "subsidiary", "60", "operational", "CN-GS", "", ""),
    ("ECOTECH",
     "Baogang Group Energy Conservation & Environmental Protection Technology Industry Co., Ltd.",
     "包钢集团节能环保科技产业有限责任公司", "NRE", "associate", "30", "none", "CN-NM", "", ""),
    ("BRIRE", "Baotou Research Institute of Rare Earths", "包头稀土研究院",
     "NRE", "subsidiary", "100", "operational", "CN-NM", "", ""),
    ("BRIRE-TJ", "Tianjin Branch of Baotou Research Institute of Rare Earths",
     "包头稀土研究院天津分院", "BRIRE", "branch", "100", "operational", "CN-TJ", "", ""),
    ("XIAOKE", "Inner Mongolia Xi'aoke Hydrogen Storage Alloy Co., Ltd.",
     "内蒙古稀奥科贮氢合金有限公司", "NRE", "subsidiary", "60", "operational", "CN-NM", "", ""),
    ("TRADING", "Inner Mongolia Baotou Rare Earth International Trading Co., Ltd.",
     "内蒙古包头稀土国际贸易有限公司", "NRE", "subsidiary", "100", "operational", "CN-NM", "", ""),
    ("TIANJIAO", "Baotou Tianjiao Seimi Rare Earth Polishing Powder Co., Ltd.",
     "包头天骄清美稀土抛光粉有限公司", "NRE", "subsidiary", "55", "operational", "CN-NM", "", ""),
    ("RUIXIN", "Baotou Ruixin Rare Earth Metal Materials Co., Ltd.",
     "包头市瑞鑫稀土金属材料股份有限公司", "NRE", "subsidiary", "60", "operational", "CN-NM",
     "", ""),
    ("JINGRUI", "Baotou Jingrui Advanced Materials Co., Ltd.", "包头京瑞新材料有限公司",
     "NRE", "subsidiary", "51", "operational", "CN-NM", "", ""),
    ("XINLI", "Xinfeng County Baogang Xinli Rare Earths Co., Ltd.",
     "信丰县包钢新利稀土有限责任公司", "NRE", "subsidiary", "51", "operational", "CN-JX", "", ""),
    ("JINMENG", "Baotou Jinmeng Rare Earth Co., Ltd.", "包头市金蒙稀土有限责任公司",
     "NRE", "subsidiary", "51", "operational", "CN-NM", "", ""),
    ("ZXAT", "ZXAT New Materials (Inner Mongolia) Co., Ltd.", "ZXAT新材料（内蒙古）有限公司",
     "NRE", "subsidiary", "51", "operational", "CN-NM", "2024-07-01", ""),
    ("JIAXUAN", "Inner Mongolia Northern Jiaxuan Technology Co., Ltd.",
     "内蒙古北方嘉轩科技有限公司", "NRE", "subsidiary", "51", "operational", "CN-NM", "", ""),
    ("ZHAOBAO", "Northern Zhaobao Magnetic Industry (Inner Mongolia) Co., Ltd.",
     "北方招宝磁业（内蒙古）有限公司", "NRE", "joint_venture", "51", "financial", "CN-NM",
     "2024-07-01", ""),
    ("NB-ZHAOBAO", "Ningbo Zhaobao Magnet Co., Ltd.", "宁波招宝磁业有限公司",
     "NRE", "partner", "", "none", "CN-ZJ", "", ""),
    ("TORIN", "Suzhou Torin Drive Equipment Co., Ltd.", "苏州通润驱动设备股份有限公司",
     "NRE", "partner", "", "none", "CN-JS", "", ""),
    ("SOUWEST", "Ningbo Souwest Magnetech Development Co., Ltd.",
     "宁波 Souwest 磁电科技发展有限公司", "NRE", "partner", "", "none", "CN-ZJ", "", ""),
    ("RECYCLING",
     "Northern Rare Earth Recycling Resources (Darhan-Muminggan Joint Banner) Co., Ltd.",
     "北方稀土再生资源（达尔罕茂明安联合旗）有限公司", "NRE", "subsidiary", "100", "operational",
     "CN-NM", "", ""),
)  # fmt: skip

#: The seven smelting and separation entities: they carry production.reo and water.fresh.
SMELTING_SEPARATION: tuple[str, ...] = (
    "SMELTING", "HUAMEI", "HEFA", "GANSU", "XINLI", "LINGZHI", "JINMENG",
)  # fmt: skip
#: "7 key entities" of the 2025 energy- and carbon-intensity targets (assumption:
#: the seven entities with an output in tREO, i.e. smelting and separation).
KEY_ENTITIES_7: tuple[str, ...] = SMELTING_SEPARATION
#: "11 key energy-consuming entities" of the 2025 energy cap (assumption).
KEY_ENTITIES_11: tuple[str, ...] = (
    "SMELTING", "HUAMEI", "HEFA", "GANSU", "XINLI", "LINGZHI", "JINMENG",
    "HUAXING", "RUIXIN", "JINGRUI", "MAGMAT",
)  # fmt: skip

#: Exact decimal factors from a published unit to the unit an entity submits in.
EXACT_FACTORS: Mapping[tuple[str, str], Decimal] = {
    ("MWh", "万千瓦时"): Decimal("0.1"),
    ("MWh", "kWh"): Decimal(1000),
    ("MWh", "GWh"): Decimal("0.001"),
    ("m3", "万立方米"): Decimal("0.0001"),
    ("m3", "万m3"): Decimal("0.0001"),
    ("t", "吨"): Decimal(1),
    ("t", "kg"): Decimal(1000),
    ("ML", "m3"): Decimal(1000),
    ("ML", "万立方米"): Decimal("0.1"),
    ("万元", "CNY"): Decimal(10000),
    ("万元", "元"): Decimal(10000),
    ("person", "人"): Decimal(1),
}

#: Standard-coal factors (tce per published unit) for the check on production.reo:
#: GB/T 2589-2020 Annex A; steam by the enthalpy method (2777 - 83.74 kJ/kg) at
#: 0.03412 kgce/MJ. Mirrors catalog/data/factors.csv.
TCE_PER_UNIT: Mapping[str, Decimal] = {
    "energy.electricity.purchased": Decimal("0.1229"),  # tce/MWh
    "energy.steam.purchased": Decimal("2.69326") * Decimal("0.03412"),  # tce/t
    "fuel.natural_gas": Decimal("0.0012143"),  # tce/m3
    "fuel.gasoline": Decimal("1.4714"),  # tce/t
    "fuel.diesel": Decimal("1.4571"),  # tce/t
    "fuel.coke_oven_gas": Decimal("0.0005714"),  # tce/m3
    "fuel.raw_coal": Decimal("0.7143"),  # tce/t
}


@dataclass(frozen=True)
class Split:
    """How a group total is spread: integer weight per entity, optional submission units."""

    rule: str
    weights: Mapping[str, int]
    units: Mapping[str, str]
    monthly: Mapping[str, tuple[int, ...]]  # entity -> months its share is split into


@dataclass(frozen=True)
class Published:
    """One figure as the seed report prints it (group level)."""

    indicator: str
    year: int
    value: str
    unit: str
    section: str
    split: str | None = None  # key of SPLITS, or None: one row on the root entity
    comment: str = ""


_H2 = (7, 8, 9, 10, 11, 12)

SPLITS: Mapping[str, Split] = {
    "electricity": Split(
        "fixed weights by process: electrolysis, separation and alloy plants highest",
        {"NRE": 4, "SMELTING": 190, "HUAMEI": 150, "HEFA": 70, "GANSU": 60, "XINLI": 30,
         "LINGZHI": 30, "JINMENG": 40, "HUAXING": 110, "RUIXIN": 80, "JINGRUI": 50,
         "MAGMAT": 70, "XIAOKE": 20, "TIANJIAO": 25, "JIAXUAN": 10, "BRIRE": 12,
         "BRIRE-TJ": 3, "TRADING": 1, "ZXAT": 15},
        {"HUAMEI": "万千瓦时", "GANSU": "kWh", "XINLI": "万千瓦时", "LINGZHI": "GWh"},
        {"ZXAT": _H2},
    ),
    "green": Split(
        "green-certified electricity allotted to the largest Baotou consumers",
        {"SMELTING": 40, "HUAMEI": 25, "HUAXING": 20, "RUIXIN": 10, "MAGMAT": 5},
        {"HUAMEI": "万千瓦时"},
        {},
    ),
    "steam": Split(
        "fixed weights: hydrometallurgical separation plants that buy process steam",
        {"SMELTING": 45, "HUAMEI": 35, "HEFA": 12, "LINGZHI": 8},
        {"LINGZHI": "吨"},
        {},
    ),
    "natural_gas": Split(
        "fixed weights: roasting, calcining and kiln capacity",
        {"SMELTING": 30, "HUAMEI": 22, "HEFA": 12, "GANSU": 10, "XINLI": 5, "LINGZHI": 5,
         "JINMENG": 6, "TIANJIAO": 6, "XIAOKE": 2, "JINGRUI": 2, "ZXAT": 3},
        {"HUAMEI": "万立方米", "XINLI": "万m3"},
        {"ZXAT": _H2},
    ),
    "vehicles": Split(
        "fixed weights: vehicle fleets and mobile machinery",
        {"NRE": 3, "SMELTING": 6, "HUAMEI": 5, "HEFA": 3, "GANSU": 3, "JINMENG": 2,
         "HUAXING": 2, "TRADING": 1},
        {"GANSU": "kg"},
        {},
    ),
    "coke_oven_gas": Split(
        "Baotou plants connected to the steelworks gas network",
        {"SMELTING": 55, "HUAMEI": 30, "JINMENG": 15},
        {},
        {},
    ),
    "coal": Split(
        "plants with their own coal-fired boilers",
        {"SMELTING": 50, "HUAMEI": 30, "GANSU": 20},
        {"GANSU": "吨"},
        {},
    ),
    "recycled_water": Split(
        "fixed weights: cooling and process-water circuits",
        {"SMELTING": 35, "HUAMEI": 25, "HEFA": 10, "GANSU": 8, "XINLI": 4, "LINGZHI": 4,
         "JINMENG": 4, "HUAXING": 5, "RUIXIN": 3, "MAGMAT": 2},
        {"HUAMEI": "m3", "GANSU": "万立方米"},
        {},
    ),
    "nox": Split(
        "combustion sources: boilers, roasters and kilns",
        {"SMELTING": 40, "HUAMEI": 25, "HEFA": 10, "GANSU": 10, "LINGZHI": 4, "XINLI": 3,
         "JINMENG": 4, "TIANJIAO": 4},
        {},
        {},
    ),
    "gypsum": Split(
        "sulphuric-acid roasting plants that produce gypsum",
        {"SMELTING": 60, "HUAMEI": 40},
        {},
        {},
    ),
    "money_env": Split(
        "environmental projects by plant",
        {"NRE": 5, "SMELTING": 40, "HUAMEI": 25, "HEFA": 8, "GANSU": 8, "XINLI": 3,
         "LINGZHI": 3, "JINMENG": 3, "HUAXING": 3, "TIANJIAO": 2},
        {"NRE": "CNY"},
        {},
    ),
    "money_safety": Split(
        "safety budgets by plant",
        {"NRE": 4, "SMELTING": 22, "HUAMEI": 18, "HEFA": 8, "GANSU": 8, "XINLI": 4,
         "LINGZHI": 4, "JINMENG": 5, "HUAXING": 7, "RUIXIN": 5, "JINGRUI": 4, "MAGMAT": 5,
         "XIAOKE": 2, "TIANJIAO": 3, "BRIRE": 1},
        {"NRE": "CNY"},
        {},
    ),
    "money_ohs": Split(
        "occupational health budgets by plant",
        {"SMELTING": 30, "HUAMEI": 25, "HEFA": 10, "GANSU": 10, "XINLI": 5, "LINGZHI": 5,
         "JINMENG": 5, "HUAXING": 5, "RUIXIN": 5},
        {},
        {},
    ),
    "money_rd": Split(
        "R&D budgets: the research institute and the technology centre first",
        {"NRE": 20, "BRIRE": 30, "BRIRE-TJ": 4, "SMELTING": 8, "HUAMEI": 6, "MAGMAT": 8,
         "GANSU": 5, "HUAXING": 4, "RUIXIN": 3, "JINGRUI": 3, "XIAOKE": 3, "TIANJIAO": 3,
         "JIAXUAN": 2, "HEFA": 1},
        {"NRE": "CNY"},
        {},
    ),
    "headcount": Split(
        "headcount weights by site (not published per entity)",
        {"NRE": 60, "SMELTING": 190, "HUAMEI": 130, "HEFA": 60, "GANSU": 80, "XINLI": 30,
         "LINGZHI": 30, "JINMENG": 35, "HUAXING": 40, "RUIXIN": 35, "JINGRUI": 30,
         "MAGMAT": 60, "XIAOKE": 25, "TIANJIAO": 30, "JIAXUAN": 15, "BRIRE": 70,
         "BRIRE-TJ": 10, "TRADING": 10, "RECYCLING": 5},
        {"GANSU": "人", "XINLI": "人"},
        {},
    ),
}  # fmt: skip

_ENERGY = "Energy Consumption Performance table"
_WATER = "Water Management Performance table"

PUBLISHED: tuple[Published, ...] = (
    # --- energy table, 2022-2024 -----------------------------------------------------
    *(Published("energy.intensity.reported", y, v, "kgce/tREO", _ENERGY)
      for y, v in ((2022, "1175"), (2023, "997"), (2024, "919"))),
    *(Published("energy.electricity.purchased", y, v, "MWh", _ENERGY, "electricity")
      for y, v in ((2022, "643017"), (2023, "739771"), (2024, "819687"))),
    *(Published("energy.steam.purchased", y, v, "t", _ENERGY, "steam")
      for y, v in ((2022, "79318"), (2023, "119186"), (2024, "41225"))),
    *(Published("fuel.natural_gas", y, v, "m3", _ENERGY, "natural_gas")
      for y, v in ((2022, "95983976"), (2023, "73386298"), (2024, "69759526"))),
    *(Published("fuel.gasoline", y, v, "t", _ENERGY, "vehicles",
                "printed as 'Petroleum'; read as gasoline")
      for y, v in ((2022, "50"), (2023, "58"), (2024, "44"))),
    *(Published("fuel.diesel", y, v, "t", _ENERGY, "vehicles")
      for y, v in ((2022, "944"), (2023, "1065"), (2024, "931"))),
    *(Published("fuel.coke_oven_gas", y, v, "m3", _ENERGY, "coke_oven_gas")
      for y, v in ((2022, "27951160"), (2023, "22052458"), (2024, "20456292"))),
    *(Published("fuel.raw_coal", y, v, "t", _ENERGY, "coal", "printed as 'Power Coal'")
      for y, v in ((2022, "91856"), (2023, "102459"), (2024, "90899"))),
    Published("energy.renewable.consumption", 2024, "93750", "MWh", _ENERGY),
    Published("energy.renewable.share_reported", 2024, "4", "percent", _ENERGY),
    Published("energy.electricity.green", 2024, "93750", "MWh", _ENERGY, "green",
              "published as new/renewable energy consumption; the demo treats it as "
              "green-certified purchased electricity"),
    Published("cert.iso50001.entities", 2024, "11", "case", "Energy management"),
    Published("energy.pv_capacity", 2024, "5.93", "MW", "Greenhouse emissions reduction practices"),
    # --- water table, 2022-2024 -------------------------------------------------------
    *(Published("water.fresh.intensity_reported", y, v, "m^3/tREO", _WATER)
      for y, v in ((2022, "15.71"), (2023, "13.99"), (2024, "13.47"))),
    *(Published("water.recycled", y, v, "ML", _WATER, "recycled_water")
      for y, v in ((2022, "6106"), (2023, "6039"), (2024, "8030"))),
    # --- environment, 2024 ------------------------------------------------------------
    Published("air.nox", 2024, "347.94", "t", "Waste gas management", "nox"),
    Published("air.particulates.intensity_reported", 2024, "0.22", "kg/tREO",
              "Waste gas management"),
    Published("env.investment", 2024, "64800", "万元", "Performance highlights", "money_env",
              "published as 0.648 billion yuan"),
    Published("env.training.sessions", 2024, "91", "case", "Performance highlights"),
    Published("env.training.participants", 2024, "6075", "person_time",
              "Environmental protection awareness", None, "printed as '6.075'"),
    Published("cert.iso14001.entities", 2024, "22", "case", "Environment management system"),
    Published("cert.iso14001.share", 2024, "91.66", "percent", "Environment management system"),
    Published("env.inspection_campaigns", 2024, "12", "case", "Environmental supervision"),
    Published("env.green_factories", 2024, "3", "case", "Environmental protection targets"),
    Published("env.noise_permits", 2024, "14", "case", "Noise management"),
    Published("env.motors_replaced", 2024, "459", "case", "Noise management"),
    Published("env.facility_uptime", 2024, "100", "percent", "Environmental protection targets"),
    Published("waste.gypsum.disposed", 2024, "760000", "t", "Solid waste", "gypsum"),
    Published("waste.compliant_disposal_rate", 2024, "100", "percent", "Solid waste"),
    Published("resource.ammonium_sulfate_recovered", 2024, "85632.11", "t", "Circular economy",
              None, "printed as '85.632.11 Tons'; read as 85,632.11 t"),
    # --- quality, customers, supply chain ---------------------------------------------
    Published("quality.first_pass_rate", 2024, "99.12", "percent", "Product quality"),
    Published("quality.major_incidents", 2024, "0", "case", "Product quality"),
    Published("quality.recalls", 2024, "0", "case", "Product quality"),
    Published("quality.six_sigma_projects", 2024, "8", "case", "Six Sigma management"),
    Published("quality.quick_wins", 2024, "51", "case", "Six Sigma management"),
    Published("quality.best_practices", 2024, "76", "case", "Six Sigma management"),
    Published("quality.tqm_sessions", 2024, "66", "case", "Quality month"),
    Published("quality.lean_lines", 2024, "8", "case", "Six Sigma management"),
    Published("customers.satisfaction", 2024, "100", "percent", "Customer satisfaction survey"),
    Published("customers.on_time_delivery", 2024, "100", "percent", "Performance highlights"),
    Published("customers.complaints", 2024, "0", "case", "Customer service system"),
    Published("customers.data_breaches", 2024, "0", "case", "Customer privacy protection"),
    Published("suppliers.major_incidents", 2024, "0", "case", "Supplier management"),
    # --- safety and health -----------------------------------------------------------
    Published("safety.investment", 2024, "4953.7", "万元", "Safety bottom line", "money_safety",
              "published as 49.537 million yuan"),
    Published("safety.inspections", 2024, "878", "case", "Performance highlights"),
    Published("safety.hazards_identified", 2024, "4562", "case", "Graded risk management"),
    Published("safety.hazards_major", 2024, "22", "case", "Graded risk management"),
    Published("safety.hazard_rectification_rate", 2024, "100", "percent",
              "Safety management targets"),
    Published("safety.emergency_drills", 2024, "472", "case", "Emergency management"),
    Published("cert.safety_std.tier2", 2024, "5", "case", "Safety-related strategies"),
    Published("cert.safety_std.tier3", 2024, "18", "case", "Safety-related strategies"),
    Published("cert.iso45001.entities", 2024, "19", "case", "Occupational health"),
    Published("cert.iso45001.share", 2024, "83.3", "percent", "Occupational health"),
    Published("ohs.investment", 2024, "306.21", "万元", "Occupational health", "money_ohs",
              "published as 3.0621 million yuan"),
    Published("ohs.exam_coverage", 2024, "100", "percent", "Occupational health performance"),
    Published("ohs.hazard_testing_compliance", 2024, "100", "percent",
              "Mental and health wellbeing"),
    # --- innovation -------------------------------------------------------------------
    Published("rd.expenditure", 2024, "160400", "万元", "Technological innovation", "money_rd",
              "published as 1.604 billion yuan"),
    Published("rd.revenue_share", 2024, "5.11", "percent", "Technological innovation"),
    Published("rd.university_collaboration_spend", 2024, "2059", "万元", "R&D platforms", None,
              "published as 20.59 million yuan"),
    Published("rd.new_partner_institutions", 2024, "4", "case", "R&D platforms"),
    Published("rd.projects.national", 2024, "6", "case", "R&D achievements"),
    Published("rd.projects.provincial", 2024, "25", "case", "R&D achievements"),
    Published("rd.projects.municipal", 2024, "2", "case", "R&D achievements"),
    Published("rd.platforms.national", 2024, "9", "case", "Company profile"),
    Published("rd.platforms.provincial", 2024, "16", "case", "Company profile"),
    Published("rd.platforms.enterprise_tech_centres", 2024, "2", "case", "Company profile"),
    Published("rd.platforms.postdoctoral", 2024, "2", "case", "Company profile"),
    Published("rd.breakthroughs", 2024, "2", "case", "R&D achievements"),
    Published("rd.new_processes", 2024, "8", "case", "R&D achievements"),
    Published("rd.outcomes_commercialised", 2024, "8", "case", "R&D achievements"),
    Published("rd.standards", 2024, "56", "case", "R&D achievements"),
    Published("patents.applied", 2024, "176", "case", "R&D achievements"),
    Published("patents.applied.invention", 2024, "134", "case", "R&D achievements"),
    Published("patents.applied.utility", 2024, "42", "case", "R&D achievements"),
    Published("patents.rewarded", 2024, "29", "case", "Technological innovation incentives"),
    Published("patents.reward_amount", 2024, "85000", "CNY", "Technological innovation incentives"),
    Published("ipr.training.hours", 2024, "153", "hour", "IPR protection"),
    Published("digital.cnc_rate", 2024, "79.19", "percent", "Intelligent production", None,
              "printed as '79 19%'; read as 79.19%"),
    # --- employees --------------------------------------------------------------------
    Published("employees.total", 2024, "9867", "person", "Performance highlights", "headcount"),
    Published("employees.new_hires.high_level", 2024, "42", "person", "Talent acquisition"),
    Published("employees.new_hires.doctorate", 2024, "2", "person", "Talent acquisition"),
    Published("employees.new_hires.master", 2024, "20", "person", "Talent acquisition"),
    Published("employees.new_hires.bachelor", 2024, "20", "person", "Talent acquisition"),
    Published("employees.contract_coverage", 2024, "100", "percent", "Legal employment"),
    Published("employees.child_forced_labour_cases", 2024, "0", "case", "Legal employment"),
    Published("employees.care_expense", 2024, "125.84", "万元", "Performance highlights", None,
              "published as 1.2584 million yuan"),
    Published("employees.activities.culture_sports", 2024, "63", "case", "Employee activities"),
    Published("employees.activities.other", 2024, "75", "case", "Employee activities"),
    Published("training.expenditure", 2024, "485.11", "万元", "Performance highlights", None,
              "published as 4.8511 million yuan"),
    Published("training.management.sessions", 2024, "13", "case", "Employee training"),
    Published("training.management.participants", 2024, "1950", "person_time",
              "Employee training"),
    Published("training.skill_exam.pass_rate", 2024, "71.62", "percent", "Employee training"),
    Published("training.skill_exam.occupations", 2024, "40", "case", "Employee training"),
    # --- community --------------------------------------------------------------------
    Published("community.donations", 2024, "122.45", "万元", "Social welfare performance", None,
              "published as 1.2245 million yuan"),
    Published("community.rural_revitalization", 2024, "539.41", "万元",
              "Rural revitalization support", None, "published as 5.3941 million yuan"),
    Published("community.consumption_assistance", 2024, "111000", "CNY",
              "Rural revitalization measures"),
    Published("community.local_jobs", 2024, "10", "person", "Rural revitalization measures"),
    Published("community.events", 2024, "94", "case", "Social welfare performance"),
    Published("community.event_participants", 2024, "637", "person_time",
              "Social welfare performance"),
    Published("community.event_hours", 2024, "1688", "hour", "Social welfare performance"),
    Published("community.volunteer.participants", 2024, "3697", "person_time",
              "Social welfare performance"),
    Published("community.volunteer.hours", 2024, "3128", "hour", "Social welfare performance"),
    Published("community.volunteer.sites", 2024, "8", "case", "Public welfare"),
    Published("community.volunteer.teams", 2024, "25", "case", "Public welfare"),
    # --- governance -------------------------------------------------------------------
    Published("board.size", 2024, "14", "person", "Board of Directors"),
    Published("board.independent_share", 2024, "35.71", "percent", "Board of Directors"),
    Published("board.female_share", 2024, "35.71", "percent", "Board of Directors"),
    Published("board.independent", 2024, "5", "person", "Board of Directors", None,
              "derived: 35.71% of 14 directors"),
    Published("board.female", 2024, "5", "person", "Board of Directors", None,
              "derived: 35.71% of 14 directors"),
    Published("board.committees", 2024, "4", "case", "Board of Directors"),
    Published("supervisory.size", 2024, "7", "person", "Supervisory Committee"),
    Published("supervisory.employee_reps", 2024, "3", "person", "Supervisory Committee"),
    Published("governance.policies.new", 2024, "25", "case", "Compliant operations"),
    Published("governance.policies.revised", 2024, "37", "case", "Compliant operations"),
    Published("governance.compliance_areas", 2024, "18", "case", "Business ethics"),
    Published("governance.audit_projects", 2024, "29", "case", "Internal audit"),
    Published("disclosure.periodic_reports", 2024, "4", "case", "Information disclosure"),
    Published("disclosure.interim_announcements", 2024, "65", "case", "Information disclosure"),
    Published("disclosure.documents_filed", 2024, "107", "case", "Information disclosure"),
    Published("legal.training.participants", 2024, "1100", "person_time",
              "Legal training performance", None, "printed as '1.100'"),
    Published("compliance.training.participants", 2024, "750", "person_time",
              "Risk identification and control"),
    Published("infosec.training.sessions", 2024, "3", "case", "Cybersecurity training performance"),
    Published("infosec.training.hours", 2024, "52", "hour", "Cybersecurity training performance"),
    Published("infosec.training.participants", 2024, "141", "person_time",
              "Cybersecurity training performance"),
)  # fmt: skip

#: Published intensities used to back-solve production.reo (kgce/tREO).
_INTENSITY = {2022: Decimal(1175), 2023: Decimal(997), 2024: Decimal(919)}
#: Published fresh-water intensity of smelting and separation (m3/tREO).
_WATER_INTENSITY = {2022: Decimal("15.71"), 2023: Decimal("13.99"), 2024: Decimal("13.47")}
#: Weights that split production.reo over the smelting and separation entities.
_REO_WEIGHTS = {"SMELTING": 34, "HUAMEI": 26, "HEFA": 12, "GANSU": 11, "XINLI": 5,
                "LINGZHI": 5, "JINMENG": 7}  # fmt: skip

#: Data for entities outside the operational-control boundary (not in any published total).
_OUTSIDE: tuple[tuple[str, str, str, str, str], ...] = (
    # entity, period, indicator, value, unit
    ("ZHAOBAO", "2024", "energy.electricity.purchased", "2400", "MWh"),
    ("ZHAOBAO", "2024", "fuel.natural_gas", "15", "万立方米"),
    ("ZHAOBAO", "2024", "employees.total", "120", "person"),
    ("ECOTECH", "2022", "energy.electricity.purchased", "18500", "MWh"),
    ("ECOTECH", "2023", "energy.electricity.purchased", "19200", "MWh"),
    ("ECOTECH", "2024", "energy.electricity.purchased", "19800", "MWh"),
    ("ECOTECH", "2022", "fuel.raw_coal", "6200", "t"),
    ("ECOTECH", "2023", "fuel.raw_coal", "6050", "t"),
    ("ECOTECH", "2024", "fuel.raw_coal", "5900", "t"),
    ("ECOTECH", "2024", "employees.total", "410", "person"),
)


def allocate(total: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``; the parts add up to ``total`` exactly.

    Parts keep the number of decimal places ``total`` was written with
    (largest-remainder rounding, ties to the earlier weight).
    """
    if not weights or any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    exponent = min(0, int(total.as_tuple().exponent))
    quantum = Decimal(1).scaleb(exponent)
    units = int((total / quantum).to_integral_value(rounding=ROUND_HALF_EVEN))
    wsum = sum(weights)
    floors = [units * w // wsum for w in weights]
    remainders = [(units * w % wsum, -i) for i, w in enumerate(weights)]
    left = units - sum(floors)
    for _, neg_i in sorted(remainders, reverse=True)[:left]:
        floors[-neg_i] += 1
    return [Decimal(n) * quantum for n in floors]


def _text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _convert_exact(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    if from_unit == to_unit:
        return value
    return value * EXACT_FACTORS[(from_unit, to_unit)]


def _fmt_total(p: Published) -> str:
    value = Decimal(p.value)
    return f"{value:,f} {p.unit}"


def back_solved_reo(year: int) -> Decimal:
    """Group production.reo (t) for ``year``: computed energy (tce) / published intensity.

    Rounded to whole tonnes. The seed publishes the intensity but not the output.
    """
    tce = Decimal(0)
    for p in PUBLISHED:
        if p.year == year and p.indicator in TCE_PER_UNIT:
            tce += Decimal(p.value) * TCE_PER_UNIT[p.indicator]
    return (tce * 1000 / _INTENSITY[year]).to_integral_value(rounding=ROUND_HALF_EVEN)


def entity_rows() -> list[list[str]]:
    """Rows of entities.csv (without header)."""
    return [list(row) for row in ENTITIES]


def _months(share: Decimal, months: tuple[int, ...]) -> list[Decimal]:
    return allocate(share, [1] * len(months)) if share else [Decimal(0)] * len(months)


def _split_rows(p: Published) -> Iterable[list[str]]:
    assert p.split is not None
    split = SPLITS[p.split]
    # an entity that joined in the year joins only that year's splits
    codes = [c for c in split.weights if p.year >= 2024 or c not in split.monthly]
    parts = allocate(Decimal(p.value), [split.weights[c] for c in codes])
    where = f"{SEED}, {p.section}"
    note = f"; {p.comment}" if p.comment else ""
    for code, part in zip(codes, parts, strict=True):
        unit = split.units.get(code, p.unit)
        comment = (
            f"illustrative share of the published group total {_fmt_total(p)} ({where}); "
            f"split rule: {split.rule}{note}"
        )
        if code in split.monthly and p.year >= 2024:
            months = split.monthly[code]
            for month, mpart in zip(months, _months(part, months), strict=True):
                value = _convert_exact(mpart, p.unit, unit)
                yield [code, f"{p.year}-{month:02d}", p.indicator, _text(value), unit,
                       ILLUSTRATIVE, comment + "; the entity's share spread evenly over its "
                       "months in the group"]  # fmt: skip
        else:
            value = _convert_exact(part, p.unit, unit)
            yield [code, str(p.year), p.indicator, _text(value), unit, ILLUSTRATIVE, comment]


def observation_rows() -> list[list[str]]:
    """Rows of observations.csv (without header), in a stable order."""
    rows: list[list[str]] = []
    for p in PUBLISHED:
        if p.split is None:
            rows.append(
                ["NRE", str(p.year), p.indicator, p.value, p.unit, f"{SEED}, {p.section}",
                 p.comment]
            )  # fmt: skip
        else:
            rows.extend(_split_rows(p))
    for year in sorted(_INTENSITY):
        reo = back_solved_reo(year)
        parts = allocate(reo, list(_REO_WEIGHTS.values()))
        for code, part in zip(_REO_WEIGHTS, parts, strict=True):
            rows.append([
                code, str(year), "production.reo", _text(part), "t", ILLUSTRATIVE,
                f"not published; group output {reo:,f} t back-solved from the published "
                f"intensity {_INTENSITY[year]} kgce/tREO and the energy table at GB/T 2589-2020 "
                "factors; split rule: separation capacity weights",
            ])  # fmt: skip
            water = part * _WATER_INTENSITY[year]
            rows.append([
                code, str(year), "water.fresh", _text(water), "m3", ILLUSTRATIVE,
                f"not published; derived as the published smelting-and-separation intensity "
                f"{_WATER_INTENSITY[year]} m3/tREO x this entity's illustrative output",
            ])  # fmt: skip
    for entity, period, indicator, value, unit in _OUTSIDE:
        rows.append([
            entity, period, indicator, value, unit, ILLUSTRATIVE,
            "illustrative; outside the operational-control boundary, so not part of any "
            "published total",
        ])  # fmt: skip
    return rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_files(directory: Path) -> tuple[Path, Path]:
    """Write entities.csv and observations.csv into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ent = directory / "entities.csv"
    obs = directory / "observations.csv"
    ent.write_text(_csv(ENTITY_COLUMNS, entity_rows()), encoding="utf-8")
    obs.write_text(_csv(OBSERVATION_COLUMNS, observation_rows()), encoding="utf-8")
    return ent, obs


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the package's demo data files (or those in the directory given)."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0]) if args else Path(__file__).with_name("data")
    for path in write_files(target):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

/**
 * The registry of the report's figures: every figure module in the paper's order. The report stage of a
 * variant draws {@link REPORT_FIGURES}; the Perceiver AR report's figures are listed in perceiver_report.ts.
 * Adding a figure is writing its module under figures/paper/ and listing it here.
 * @module
 */
import type { FigureModule } from "./figure_module.ts";
import type { InputKey } from "./inputs.ts";
import { FIG02 } from "./paper/fig02_width_depth.ts";
import { FIG03_MUP_SWEEP } from "./paper/fig03_mup_sweep.ts";
import { FIG03_LR_SWEEP } from "./paper/fig03_lr_sweep.ts";
import { FIG04 } from "./paper/fig04_approach1.ts";
import { FIG05 } from "./paper/fig05_approach3.ts";
import { FIG06 } from "./paper/fig06_rainbow.ts";
import { FIG07, FIG07_LAW } from "./paper/fig07_overspend.ts";
import { FIG08 } from "./paper/fig08_overtraining.ts";
import { FIG09 } from "./paper/fig09_approach1_extended.ts";
import { FIG10, FIG11 } from "./paper/ablations.ts";
import { FIG12 } from "./paper/fig12_approach3_extended.ts";
import { APPENDIX_D_FIGURES } from "./paper/appendix_d.ts";
import { FIG20 } from "./paper/fig20_grid_size.ts";
import { FIG21 } from "./paper/fig21_approach3_eq3.ts";
import { FIG22 } from "./paper/fig22_design_space.ts";
import { FIG23 } from "./paper/fig23_loss_curves.ts";
import { FIG24 } from "./paper/fig24_flop_counting.ts";
import { S1_TORNADO } from "./paper/sensitivity_tornado.ts";
import { S2_IDENTIFIABILITY } from "./paper/identifiability.ts";

/** The figures of a variant's Gemstones report, in the paper's order (the Perceiver AR's have their own). */
export const REPORT_FIGURES: readonly FigureModule<InputKey>[] = [
  FIG02,
  FIG03_MUP_SWEEP,
  FIG03_LR_SWEEP,
  FIG04,
  FIG05,
  FIG06,
  FIG07,
  FIG07_LAW,
  FIG08,
  FIG09,
  FIG10,
  FIG11,
  FIG12,
  APPENDIX_D_FIGURES,
  FIG20,
  FIG21,
  FIG22,
  FIG23,
  FIG24,
  S1_TORNADO,
  S2_IDENTIFIABILITY,
];

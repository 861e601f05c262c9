# The R side of the forecasting benchmark (see README.md).
#
#   Rscript forecast.R export WORK DATASETS
#       writes every series, its last horizon held out, as WORK/NAME.train.csv
#       and WORK/NAME.test.csv (date,value; a period is named by its first
#       day), and WORK/series.tsv (name, frequency, period, horizon):
#       air_passengers and chicago_ridership from DATASETS (the shared CSV
#       files), the others from R's datasets package.
#
#   Rscript forecast.R compare WORK
#       fits forecast::ets() and forecast::auto.arima() to every training
#       series, timing the fit alone in CPU seconds; forecasts the horizon at 80% and 95%;
#       reads Auspex's forecasts (WORK/NAME.auspex.csv) and fit times
#       (WORK/auspex.tsv); scores all three on the held-out periods with
#       the same definitions; prints one table and the targets.
#
# Scores, per series, over the h held-out periods:
#   sMAPE    = mean(200 |f - y| / (|f| + |y|))  (percent, 0..200)
#   MASE     = mean |f - y| / mean |y_t - y_{t-m}| over the training series
#              (m the seasonal period)
#   coverage = percent of held-out values inside the 80% (95%) range

suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: forecast.R export WORK DATASETS | compare WORK")
mode <- args[1]
work <- args[2]

# Series and their holdout: 12 months, 8 quarters, 28 days.
monthly <- c("USAccDeaths", "ldeaths", "UKDriverDeaths", "nottem", "co2")
quarterly <- c("UKgas", "JohnsonJohnson", "austres")

period_dates <- function(x) {
  f <- frequency(x)
  t <- round(time(x) * f)          # periods since year 0
  year <- t %/% f
  step <- t %% f                   # 0-based month or quarter
  sprintf("%04d-%02d-01", as.integer(year), as.integer(step * (12 / f) + 1))
}

write_series <- function(name, dates, values, freq, m, h) {
  n <- length(values)
  train <- seq_len(n - h)
  test <- (n - h + 1):n
  write.csv(data.frame(date = dates[train], value = values[train]),
            file.path(work, paste0(name, ".train.csv")), row.names = FALSE, quote = FALSE)
  write.csv(data.frame(date = dates[test], value = values[test]),
            file.path(work, paste0(name, ".test.csv")), row.names = FALSE, quote = FALSE)
  data.frame(name = name, frequency = freq, period = m, horizon = h)
}

if (mode == "export") {
  datasets_dir <- args[3]
  rows <- list()
  air <- read.csv(file.path(datasets_dir, "air_passengers.csv"))
  rows[[length(rows) + 1]] <- write_series("air_passengers", air$month, air$passengers,
                                           "monthly", 12, 12)
  chicago <- read.csv(file.path(datasets_dir, "chicago_ridership.csv"))
  rows[[length(rows) + 1]] <- write_series("chicago_ridership", chicago$date, chicago$ridership,
                                           "daily", 7, 28)
  for (name in monthly) {
    x <- get(name, envir = asNamespace("datasets"))
    rows[[length(rows) + 1]] <- write_series(name, period_dates(x), as.numeric(x), "monthly", 12, 12)
  }
  for (name in quarterly) {
    x <- get(name, envir = asNamespace("datasets"))
    rows[[length(rows) + 1]] <- write_series(name, period_dates(x), as.numeric(x), "quarterly", 4, 8)
  }
  write.table(do.call(rbind, rows), file.path(work, "series.tsv"), sep = "\t",
              row.names = FALSE, quote = FALSE)
  quit(status = 0)
}

if (mode != "compare") stop("unknown mode ", mode)

smape <- function(y, f) mean(200 * abs(f - y) / (abs(f) + abs(y)))
mase <- function(y, f, train, m) mean(abs(f - y)) / mean(abs(diff(train, lag = m)))
coverage <- function(y, lo, hi) 100 * mean(y >= lo & y <= hi)
# CPU seconds (user + system): a busy machine does not inflate them as it
# does the wall clock.
cpu_seconds <- function(t) t[["user.self"]] + t[["sys.self"]]

series <- read.delim(file.path(work, "series.tsv"), stringsAsFactors = FALSE)
auspex_fit <- read.delim(file.path(work, "auspex.tsv"), stringsAsFactors = FALSE)

score <- function(y, train, m, f, lo80, hi80, lo95, hi95, seconds) {
  c(smape = smape(y, f), mase = mase(y, f, train, m),
    cov80 = coverage(y, lo80, hi80), cov95 = coverage(y, lo95, hi95), seconds = seconds)
}

results <- list()
for (i in seq_len(nrow(series))) {
  s <- series[i, ]
  train <- read.csv(file.path(work, paste0(s$name, ".train.csv")))$value
  y <- read.csv(file.path(work, paste0(s$name, ".test.csv")))$value
  h <- s$horizon
  x <- ts(train, frequency = s$period)

  t_ets <- cpu_seconds(system.time(fit_ets <- ets(x)))
  fc <- forecast(fit_ets, h = h, level = c(80, 95))
  r_ets <- score(y, train, s$period, as.numeric(fc$mean), fc$lower[, 1], fc$upper[, 1],
                 fc$lower[, 2], fc$upper[, 2], t_ets)

  t_arima <- cpu_seconds(system.time(fit_arima <- auto.arima(x)))
  fc <- forecast(fit_arima, h = h, level = c(80, 95))
  r_arima <- score(y, train, s$period, as.numeric(fc$mean), fc$lower[, 1], fc$upper[, 1],
                   fc$lower[, 2], fc$upper[, 2], t_arima)

  a <- read.csv(file.path(work, paste0(s$name, ".auspex.csv")))
  if (nrow(a) != h) stop(s$name, ": Auspex wrote ", nrow(a), " forecasts, not ", h)
  af <- auspex_fit[auspex_fit$name == s$name, ]
  r_auspex <- score(y, train, s$period, a$forecast, a$lower_80, a$upper_80,
                    a$lower_95, a$upper_95, af$seconds)

  results[[s$name]] <- list(series = s, n = length(train), auspex = r_auspex, ets = r_ets,
                            arima = r_arima, auspex_model = af$model,
                            ets_model = fit_ets$method, arima_model = as.character(fit_arima),
                            y = y)
}

# The table
cat(sprintf("%-18s %-9s %5s %3s | %-26s | %-22s | %-22s | %-22s | %-26s\n",
            "series", "freq", "n", "h", "sMAPE %  auspex  ets  arima", "MASE  auspex ets arima",
            "cov80  auspex ets arima", "cov95  auspex ets arima", "fit s  auspex   ets  arima"))
fmt3 <- function(what, digits, width) {
  paste(formatC(what, format = "f", digits = digits, width = width), collapse = " ")
}
for (r in results) {
  cat(sprintf("%-18s %-9s %5d %3d | %26s | %22s | %22s | %22s | %26s\n",
              r$series$name, r$series$frequency, r$n, r$series$horizon,
              fmt3(c(r$auspex["smape"], r$ets["smape"], r$arima["smape"]), 2, 8),
              fmt3(c(r$auspex["mase"], r$ets["mase"], r$arima["mase"]), 3, 7),
              fmt3(c(r$auspex["cov80"], r$ets["cov80"], r$arima["cov80"]), 0, 7),
              fmt3(c(r$auspex["cov95"], r$ets["cov95"], r$arima["cov95"]), 0, 7),
              fmt3(c(r$auspex["seconds"], r$ets["seconds"], r$arima["seconds"]), 3, 8)))
}
mean_of <- function(tool, what) mean(sapply(results, function(r) r[[tool]][[what]]))
# Coverage pooled over every held-out period, so a series counts by its length.
pooled <- function(tool, what) {
  w <- sapply(results, function(r) length(r$y))
  sum(w * sapply(results, function(r) r[[tool]][[what]])) / sum(w)
}
total_of <- function(tool) sum(sapply(results, function(r) r[[tool]][["seconds"]]))
tools <- c("auspex", "ets", "arima")
cat(sprintf("%-18s %-9s %5s %3s | %26s | %22s | %22s | %22s | %26s\n",
            "mean (fit: total)", "", "", "",
            fmt3(sapply(tools, mean_of, what = "smape"), 2, 8),
            fmt3(sapply(tools, mean_of, what = "mase"), 3, 7),
            fmt3(sapply(tools, pooled, what = "cov80"), 1, 7),
            fmt3(sapply(tools, pooled, what = "cov95"), 1, 7),
            fmt3(sapply(tools, total_of), 3, 8)))

# Auspex's own backtest, before the held-out periods: how its model's
# ranges did there, the model levels the calibrated ranges therefore use,
# and how the calibrated ranges did (each origin calibrated on the others).
cat("\nAuspex's backtest (before the held-out periods): the model's own ranges held, the model level each range uses, the calibrated ranges held\n")
cat(sprintf("  %-18s %5s | %-15s | %-15s | %-15s\n", "series", "rows", "own  80%   95%",
            "level 80%  95%", "calib 80%  95%"))
for (i in seq_len(nrow(auspex_fit))) {
  a <- auspex_fit[i, ]
  cat(sprintf("  %-18s %5d | %6.1f %6.1f   | %6.1f %6.1f   | %6.1f %6.1f\n", a$name, a$bt_rows,
              a$own80, a$own95, a$level80, a$level95, a$bt80, a$bt95))
}
bw <- auspex_fit$bt_rows
cat(sprintf("  %-18s %5d | %6.1f %6.1f   |                 | %6.1f %6.1f\n", "pooled", sum(bw),
            sum(bw * auspex_fit$own80) / sum(bw), sum(bw * auspex_fit$own95) / sum(bw),
            sum(bw * auspex_fit$bt80) / sum(bw), sum(bw * auspex_fit$bt95) / sum(bw)))

cat("\nModels chosen:\n")
for (r in results)
  cat(sprintf("  %-18s auspex %-28s ets %-14s %s\n", r$series$name, r$auspex_model,
              r$ets_model, r$arima_model))

s_a <- mean_of("auspex", "smape"); s_e <- mean_of("ets", "smape"); s_r <- mean_of("arima", "smape")
m_a <- mean_of("auspex", "mase"); m_e <- mean_of("ets", "mase")
t_a <- total_of("auspex"); t_e <- total_of("ets"); t_r <- total_of("arima")
c80 <- pooled("auspex", "cov80"); c95 <- pooled("auspex", "cov95")
cat("\nRatios (Auspex / R):\n")
cat(sprintf("  mean sMAPE   %.3f of ets(), %.3f of auto.arima()\n", s_a / s_e, s_a / s_r))
cat(sprintf("  mean MASE    %.3f of ets(), %.3f of auto.arima()\n", m_a / m_e, m_a / mean_of("arima", "mase")))
cat(sprintf("  fit seconds  %.1fx faster than ets(), %.1fx faster than auto.arima()\n", t_e / t_a, t_r / t_a))

verdict <- function(ok) if (ok) "met" else "NOT met"
cat("\nTargets:\n")
cat(sprintf("  mean sMAPE no worse than ets():        %.2f%% vs %.2f%%: %s\n", s_a, s_e, verdict(s_a <= s_e)))
cat(sprintf("  coverage within 5 points of nominal:   80%% range %.1f%%, 95%% range %.1f%%: %s\n",
            c80, c95, verdict(abs(c80 - 80) <= 5 && abs(c95 - 95) <= 5)))
cat(sprintf("  fitting at least 10x faster than ets(): %.1fx: %s\n", t_e / t_a, verdict(t_e / t_a >= 10)))

data <- "{data_url}"
tasks <- read.csv(paste0(data, "tasks.csv"), encoding = "UTF-8")
links <- read.csv(paste0(data, "task-agencies.csv"), encoding = "UTF-8")
agencies <- read.csv(paste0(data, "agencies.csv"), encoding = "UTF-8")

# Heading rows group tasks and are never counted.
tasks <- tasks[tasks$state != "heading", ]
overdue <- tasks[as.logical(tasks$overdue), ]
past <- tasks[tasks$state == "past-deadline", ]
cat(nrow(tasks), "tasks,", nrow(overdue), "overdue,", nrow(past), "past deadline with no completion recorded\n")
print(table(tasks$state))

# Who leads the tasks past their deadline: the link table joined to the agencies.
leads <- merge(links[links$role == "lead", ], agencies, by.x = "agency", by.y = "id")
leads <- leads[leads$task %in% past$id, ]
print(head(sort(table(leads$name_{lang}), decreasing = TRUE), 10))
